// Drag-and-drop of files as a browser sees it: a DataTransfer holding File objects, dispatched
// as dragenter, dragover and drop on the target (Playwright cannot drag files from the disk).
import type { Locator } from '@playwright/test';

export interface DroppedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export async function dropFiles(target: Locator, files: DroppedFile[]): Promise<void> {
  const payload = files.map((f) => ({
    name: f.name,
    type: f.mimeType,
    base64: f.buffer.toString('base64')
  }));
  const dataTransfer = await target.page().evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return transfer;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
}
