// `npm run cli -- pictures:draw [--firm <slug>]`: draws page 1's pictures for documents that
// have none (uploaded before pictures existed, seeded, or moved by blobs:migrate).
import { PDFDocument } from 'pdf-lib';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { commands } from '../../scripts/commands/index';
import { UsageError } from '../../scripts/commands/types';
import { getConfig } from '../../src/lib/server/config';
import { getDatabase, getDb } from '../../src/lib/server/db/client';
import { previewKey, PREVIEW_WIDTHS } from '../../src/lib/server/pdf/preview';
import { getBlobStore } from '../../src/lib/server/storage';
import { addDocument, createClient, createFirm, createPacket, makePdf } from '../support/factories';

async function draw(args: string[]) {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const code = await commands['pictures:draw'].run({
      args,
      config: getConfig(),
      database: getDatabase()
    });
    return { code: code ?? 0, output: out.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
    warn.mockRestore();
  }
}

const hasPictures = async (blobKey: string) =>
  (
    await Promise.all(PREVIEW_WIDTHS.map((w) => getBlobStore().exists(previewKey(blobKey, w))))
  ).every(Boolean);

describe('pictures:draw', () => {
  it("draws the firm's missing pictures, names what it cannot draw, and re-runs cleanly", async () => {
    const firm = await createFirm();
    const packet = await createPacket(getDb(), await createClient(getDb(), firm.id));
    const docs = [
      await addDocument(getDb(), packet, { bytes: await makePdf(2, 'Old upload') }),
      await addDocument(getDb(), packet, { bytes: await makePdf(1, 'Older upload'), position: 1 })
    ];
    const receipt = await PDFDocument.create();
    receipt.addPage([150, 1500]);
    const tall = await addDocument(getDb(), packet, {
      bytes: await receipt.save(),
      filename: 'Till receipt.pdf',
      position: 2
    });
    for (const d of docs) expect(await hasPictures(d.blobKey)).toBe(false);

    const first = await draw(['--firm', firm.slug]);
    expect(first.code).toBe(0);
    for (const d of docs) expect(await hasPictures(d.blobKey)).toBe(true);
    expect(await hasPictures(tall.blobKey)).toBe(false);
    expect(first.output).toContain('could not draw page 1 of "Till receipt.pdf"');
    expect(first.output).toContain(
      'Done: 3 documents: 2 have their pictures, 1 could not be drawn'
    );

    const again = await draw(['--firm', firm.slug]);
    expect(again.output).toContain(
      'Done: 3 documents: 2 have their pictures, 1 could not be drawn'
    );
  });

  it('does not try again a document that could not be drawn, unless told to (--retry)', async () => {
    const firm = await createFirm();
    const packet = await createPacket(getDb(), await createClient(getDb(), firm.id));
    const receipt = await PDFDocument.create();
    receipt.addPage([150, 1500]);
    await addDocument(getDb(), packet, { bytes: await receipt.save(), filename: 'Receipt.pdf' });
    const post = vi.spyOn(Worker.prototype, 'postMessage');
    const drawings = () => post.mock.calls.filter(([m]) => (m as { op?: string }).op === 'draw');
    try {
      expect((await draw(['--firm', firm.slug])).output).toContain('1 could not be drawn');
      expect(drawings()).toHaveLength(1);
      expect((await draw(['--firm', firm.slug])).output).toContain('1 could not be drawn');
      expect(drawings()).toHaveLength(1);
      expect((await draw(['--firm', firm.slug, '--retry'])).output).toContain(
        '1 could not be drawn'
      );
      expect(drawings()).toHaveLength(2);
    } finally {
      post.mockRestore();
    }
  });

  it('refuses an unknown firm', async () => {
    await expect(draw(['--firm', 'no-such-firm'])).rejects.toBeInstanceOf(UsageError);
  });
});
