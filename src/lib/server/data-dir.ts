import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';

// DATA_DIR holds the firm's documents (blobs/) and, on PGlite, the whole database (pglite/):
// nobody but the user Sheaf runs as may read it. Modes are given explicitly rather than left to
// the umask, which can only take bits away: a umask of 022 would leave 0755 and 0644.
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates dir and missing parents owner-only (0700); an existing one of ours is tightened. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, statSync(dir));
}

/**
 * At start-up: DATA_DIR, blobs/ and pglite/ become owner-only, with the files Sheaf keeps at the
 * top (setup-url.txt, pglite.pid). An older Sheaf made them 0755 and 0644; when blobs/ was left
 * open, so was every document in it, which are tightened once with it. PGlite writes its own
 * files 0666 whatever the umask, so its directory is what keeps them private. Anything owned by
 * another user is left alone and returned, for the caller to report.
 */
export function protectDataDir(dataDir: string): { notOurs: string[] } {
  const notOurs: string[] = [];
  const root = statOrNull(dataDir, statSync);
  if (!root?.isDirectory()) return { notOurs };
  if (!tighten(dataDir, root)) notOurs.push(dataDir);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    const file = path.join(dataDir, entry.name);
    if (entry.isFile() && !tighten(file, lstatSync(file))) notOurs.push(file);
  }
  for (const name of ['blobs', 'pglite']) {
    const dir = path.join(dataDir, name);
    const stats = statOrNull(dir, lstatSync);
    if (!stats?.isDirectory()) continue;
    const wasOpen = (stats.mode & 0o077) !== 0;
    if (!tighten(dir, stats)) notOurs.push(dir);
    else if (wasOpen && name === 'blobs') tightenTree(dir, notOurs);
  }
  return { notOurs };
}

function statOrNull(p: string, stat: (p: string) => Stats): Stats | null {
  try {
    return stat(p);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Takes group and other bits off a path of ours; false when another user owns it. */
function tighten(p: string, stats: Stats): boolean {
  if (stats.isSymbolicLink()) return true;
  if (process.getuid && stats.uid !== process.getuid()) return (stats.mode & 0o077) === 0;
  if ((stats.mode & 0o077) !== 0) chmodSync(p, stats.mode & 0o700);
  return true;
}

function tightenTree(dir: string, notOurs: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink() || !(entry.isDirectory() || entry.isFile())) continue;
    if (!tighten(p, lstatSync(p))) notOurs.push(p);
    else if (entry.isDirectory()) tightenTree(p, notOurs);
  }
}
