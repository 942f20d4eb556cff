import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePrivateDir, protectDataDir } from './data-dir';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const modeOf = (p: string) => (statSync(p).mode & 0o777).toString(8);

/** A DATA_DIR as an older Sheaf left it under umask 022: 0755 directories, 0644 files. */
function olderDataDir() {
  const base = mkdtempSync(path.join(os.tmpdir(), 'sheaf-datadir-'));
  dirs.push(base);
  const data = path.join(base, 'data');
  for (const dir of ['blobs/ab', 'pglite/base/1']) {
    mkdirSync(path.join(data, dir), { recursive: true, mode: 0o755 });
  }
  const files = [
    'setup-url.txt',
    'pglite.pid',
    'blobs/ab/cdefgh12',
    'blobs/ab/cdefgh12.page-1.800.webp',
    'pglite/PG_VERSION'
  ];
  for (const file of files) writeFileSync(path.join(data, file), 'x', { mode: 0o644 });
  for (const p of [data, 'blobs', 'blobs/ab', 'pglite', 'pglite/base', 'pglite/base/1']) {
    chmodSync(path.resolve(data, p), 0o755);
  }
  for (const file of files) chmodSync(path.join(data, file), 0o644);
  return data;
}

describe('protectDataDir', () => {
  it("makes an older install's DATA_DIR owner-only: its directories 0700, Sheaf's files 0600", () => {
    const data = olderDataDir();
    protectDataDir(data);
    for (const dir of ['.', 'blobs', 'blobs/ab', 'pglite']) {
      expect(modeOf(path.resolve(data, dir)), dir).toBe('700');
    }
    for (const file of [
      'setup-url.txt',
      'pglite.pid',
      'blobs/ab/cdefgh12',
      'blobs/ab/cdefgh12.page-1.800.webp'
    ]) {
      expect(modeOf(path.join(data, file)), file).toBe('600');
    }
  });

  it('does nothing to a DATA_DIR that does not exist yet', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'sheaf-datadir-'));
    dirs.push(base);
    protectDataDir(path.join(base, 'none'));
    expect(() => statSync(path.join(base, 'none'))).toThrow(/ENOENT/);
  });

  it.runIf(process.getuid?.() === 0)("leaves another user's directory alone and says so", () => {
    const data = olderDataDir();
    chownSync(path.join(data, 'blobs'), 12345, 12345);
    const { notOurs } = protectDataDir(data);
    expect(notOurs).toEqual([path.join(data, 'blobs')]);
    expect(modeOf(path.join(data, 'blobs'))).toBe('755');
    expect(modeOf(data)).toBe('700');
  });
});

describe('makePrivateDir', () => {
  it('creates missing directories 0700 and tightens an existing one', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'sheaf-datadir-'));
    dirs.push(base);
    const deep = path.join(base, 'a', 'b');
    makePrivateDir(deep);
    expect(modeOf(path.join(base, 'a'))).toBe('700');
    expect(modeOf(deep)).toBe('700');
    chmodSync(deep, 0o755);
    makePrivateDir(deep);
    expect(modeOf(deep)).toBe('700');
  });
});
