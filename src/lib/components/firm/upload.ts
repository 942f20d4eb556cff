// Browser side of document uploads: one PDF per request, as the raw body, so XHR can report
// progress per file.
export interface UploadOutcome {
  ok: boolean;
  error?: string;
  /** Sent whole but never answered: it may have been added after all. */
  unsure?: boolean;
  document?: { id: string; filename: string; bytes: number; pages: number };
}

/** An upload with no progress for this long has stalled (a connection that went quiet). */
export const STALL_MS = 60_000;
/** After the last byte, how long the server may take to check and store the PDF. */
export const ANSWER_MS = 3 * 60_000;

export function uploadPdf(
  url: string,
  file: File,
  onProgress: (fraction: number) => void
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    // A connection can go quiet without failing (a train, a weak Wi-Fi): rather than a progress
    // bar stuck for ever, the upload is abandoned and says so.
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const expect = (ms: number, error: string, unsure = false) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        xhr.abort();
        resolve({ ok: false, error: `"${file.name}": ${error}`, ...(unsure && { unsure }) });
      }, ms);
    };
    const stalled = () => expect(STALL_MS, 'the connection stalled. Try again.');
    xhr.onloadend = () => clearTimeout(watchdog);
    // Sent whole: the server may yet store it, so the message cannot say it was not added.
    xhr.upload.onload = () =>
      expect(
        ANSWER_MS,
        'no answer from the server. Reload the page to see whether it was added.',
        true
      );
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/pdf');
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => {
      stalled();
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
    stalled();
    xhr.send(file);
  });
}
