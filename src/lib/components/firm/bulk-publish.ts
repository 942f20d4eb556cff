// Bulk publish in the browser (the bulk page's one tap): for each client in turn, create a
// packet, upload its PDFs one at a time, then publish it. A client whose step fails is reported
// and left (as a draft once created) and the run goes on to the next. A request that gets no
// answer at all (the connection dropped) is such a failure too, said in words: the run always
// ends, so the page's button never stays stuck.
import { uploadPdf } from './upload';

export interface BulkFile {
  file: File;
  state: 'ready' | 'uploading' | 'done' | 'error';
  progress: number;
  error?: string;
}

export interface BulkGroup {
  clientId: string;
  clientName: string;
  /** The client's files, in the order they are added to its packet (updated as they go). */
  entries: BulkFile[];
}

export interface BulkResult {
  clientId: string;
  clientName: string;
  /** The packet created for the client, published or left as a draft; null when none was. */
  packetId: string | null;
  /** Why it was not published; none when it was. */
  error?: string;
}

export interface BulkDeps {
  fetch: typeof fetch;
  upload: typeof uploadPdf;
}

const browserDeps: BulkDeps = {
  fetch: (...args) => fetch(...args),
  upload: uploadPdf
};

export const CONNECTION_FAILED = 'The connection failed.';

async function publishGroup(
  group: BulkGroup,
  details: Record<string, string>,
  deps: BulkDeps
): Promise<BulkResult> {
  const { clientId, clientName } = group;
  let packetId: string | null = null;
  try {
    const created = await deps.fetch('/firm/packets/bulk/create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, ...details })
    });
    const body = await created.json().catch(() => ({}));
    if (!created.ok) return { clientId, clientName, packetId, error: body.error ?? 'Failed.' };
    packetId = body.packetId as string;
    let failed = '';
    for (const e of group.entries) {
      e.state = 'uploading';
      const r = await deps.upload(`/firm/packets/${packetId}/documents`, e.file, (f) => {
        e.progress = f;
      });
      e.state = r.ok ? 'done' : 'error';
      e.progress = 1;
      e.error = r.error;
      if (!r.ok) failed ||= r.error ?? 'Upload failed.';
    }
    if (failed) return { clientId, clientName, packetId, error: `${failed} Left as a draft.` };
    const published = await deps.fetch(`/firm/packets/${packetId}/publish`, { method: 'POST' });
    const result = await published.json().catch(() => ({}));
    return {
      clientId,
      clientName,
      packetId,
      error: published.ok ? undefined : `${result.error ?? 'Publish failed.'} Left as a draft.`
    };
  } catch {
    // fetch throws only when no answer came. Before the packet was made, the files are still
    // here to try again; after, the packet waits as a draft.
    const next = packetId ? 'Left as a draft.' : 'Try again.';
    return { clientId, clientName, packetId, error: `${CONNECTION_FAILED} ${next}` };
  }
}

/** Creates, fills and publishes a packet per group, in turn; `onresult` hears each. Never throws. */
export async function publishGroups(
  groups: BulkGroup[],
  details: Record<string, string>,
  onresult: (result: BulkResult) => void,
  deps: BulkDeps = browserDeps
): Promise<void> {
  for (const group of groups) onresult(await publishGroup(group, details, deps));
}
