import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/ARCHITECTURE.md is the map of where things live: a file it names that has moved or gone
// makes the map untrue, so every path it names must exist.
const root = path.resolve(import.meta.dirname, '../..');
const doc = readFileSync(path.join(root, 'docs/ARCHITECTURE.md'), 'utf8');
const named = [...doc.matchAll(/`((?:src|tests|scripts|bench|docs|drizzle)\/[^`\s]*)`/g)].map(
  (m) => m[1]
);

describe('docs/ARCHITECTURE.md', () => {
  it('names files', () => {
    expect(named.length).toBeGreaterThan(30);
  });

  it.each([...new Set(named)])('%s exists', (file) => {
    expect(existsSync(path.join(root, file))).toBe(true);
  });

  it('is linked from the README', () => {
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('docs/ARCHITECTURE.md');
  });
});
