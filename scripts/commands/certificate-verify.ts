import { readFile, stat } from 'node:fs/promises';
import { formatDateTime } from '../../src/lib/format/dates';
import { getDb } from '../../src/lib/server/db/client';
import { MAX_CERTIFICATE_BYTES, MB } from '../../src/lib/server/http/limits';
import { getBlobStore } from '../../src/lib/server/storage/index';
import {
  DOCUMENT_STATE_WORDS,
  verdictHeadline,
  verifyCertificate
} from '../../src/lib/server/certificates/verify';
import { UsageError, type CliCommand } from './types';

const USAGE = 'Usage: npm run cli -- certificate:verify FILE.pdf';

/**
 * Exit codes: 0 a certificate issued here whose documents all match; 2 anything else (not a
 * certificate, altered, or a document changed): a script can tell a good file by the code.
 */
export const certificateVerify: CliCommand = {
  summary: 'say whether a sign-off certificate was issued here and its documents still match',
  async run({ args }) {
    const [file] = args.filter((a) => !a.startsWith('--'));
    if (!file) throw new UsageError(USAGE);
    const size = await stat(file).then(
      (s) => s.size,
      () => null
    );
    if (size === null) throw new UsageError(`Cannot read "${file}".\n${USAGE}`);
    if (size > MAX_CERTIFICATE_BYTES) {
      console.error(
        `"${file}" is larger than a certificate can be (${MAX_CERTIFICATE_BYTES / MB} MB).`
      );
      return 2;
    }
    const verdict = await verifyCertificate(
      getDb(),
      getBlobStore(),
      new Uint8Array(await readFile(file)),
      null
    );
    console.log(verdictHeadline(verdict, 'this Sheaf'));
    if (verdict.kind !== 'genuine') return 2;
    console.log(
      `Issued ${formatDateTime(verdict.issuedAt, 'UTC', { year: true })}, packet ${verdict.packetId}, SHA-256 ${verdict.sha256}.`
    );
    for (const d of verdict.documents) {
      console.log(
        `  ${d.state === 'matches' ? '✔' : '✖'} ${d.name} (${d.sha256}): ${DOCUMENT_STATE_WORDS[d.state]}`
      );
    }
    return verdict.stillApproved && verdict.documents.every((d) => d.state === 'matches') ? 0 : 2;
  }
};
