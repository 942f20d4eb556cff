// Browser side of document uploads: one PDF per request, as the raw body, so XHR can report
// progress per file.
export interface UploadOutcome {
  ok: boolean;
  error?: string;
  document?: { id: string; filename: string; bytes: number; pages: number };
}

export function uploadPdf(
  url: string,
  file: File,
  onProgress: (fraction: number) => void
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/pdf');
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { error?: string; document?: UploadOutcome['document'] } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: a proxy or the body-size limit answered */
      }
      if (xhr.status === 201) resolve({ ok: true, document: body.document });
      else
        resolve({
          ok: false,
          error:
            body.error ??
            (xhr.status === 413
              ? `"${file.name}" is too large.`
              : `"${file.name}" could not be uploaded (${xhr.status}).`)
        });
    };
    xhr.onerror = () =>
      resolve({ ok: false, error: `"${file.name}": the connection failed. Try again.` });
    xhr.send(file);
  });
}
