import { eq } from 'drizzle-orm';
import { getDb } from '../../src/lib/server/db/client';
import { firm } from '../../src/lib/server/db/schema';
import { documentPages } from '../../src/lib/server/packets/documents';
import { ensurePreviews } from '../../src/lib/server/pdf/preview';
import { parseOptions, UsageError, type CliCommand } from './types';

// Draws page 1's pictures for documents that have none yet (uploaded before pictures existed,
// seeded by seed:demo, or moved by blobs:migrate, which copies only the PDFs), so the first
// client to open each one does not wait for the drawing. Safe to re-run: drawn ones are skipped,
// and so are ones that could not be drawn, unless `--retry` (after an upgrade of pdf.js, say).
export const picturesDraw: CliCommand = {
  summary: "draw page 1's pictures for every document that has none (after an upgrade or a move)",
  async run({ args }) {
    const { options } = parseOptions(args);
    const retry = options.retry === 'true';
    const db = getDb();
    let firmId: string | undefined;
    if (options.firm) {
      const [row] = await db.select({ id: firm.id }).from(firm).where(eq(firm.slug, options.firm));
      if (!row) throw new UsageError(`No firm with the slug "${options.firm}".`);
      firmId = row.id;
    }
    let drawn = 0;
    let failed = 0;
    for await (const rows of documentPages(db, {
      firmIds: firmId ? [firmId] : undefined,
      currentOnly: true
    })) {
      for (const row of rows) {
        if (await ensurePreviews(row.blobKey, { retry })) drawn++;
        else {
          failed++;
          console.error(`  could not draw page 1 of "${row.filename}" (document ${row.id})`);
        }
      }
      console.log(`${drawn + failed} documents…`);
    }
    console.log(
      `Done: ${drawn + failed} documents: ${drawn} have their pictures, ${failed} could not be drawn` +
        `${failed ? ' (their viewers wait for pdf.js, as for any document without one)' : ''}.`
    );
    return 0;
  }
};
