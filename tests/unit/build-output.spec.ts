// What `npm start` shows of a build (scripts/build-if-stale.js): the build's own messages, less
// the lines about pdf-lib's import cycles and an empty chunk that buried the first run's output.
import { describe, expect, it } from 'vitest';
import { withoutNoise } from '../../scripts/build-if-stale.js';

describe('the build output npm start prints', () => {
  it('drops pdf-lib’s import cycles and the empty chunk, keeps everything else', () => {
    const output = [
      '> Using @sveltejs/adapter-node',
      'Circular dependency: node_modules/pdf-lib/es/api/PDFPage.js -> node_modules/pdf-lib/es/api/PDFDocument.js -> node_modules/pdf-lib/es/api/PDFPage.js',
      'Generated an empty chunk: "chunks/internal2.js".',
      'Circular dependency: src/lib/server/a.ts -> src/lib/server/b.ts -> src/lib/server/a.ts',
      'error during build: something real',
      '  ✔ done'
    ].join('\n');
    expect(withoutNoise(output).split('\n')).toEqual([
      '> Using @sveltejs/adapter-node',
      'Circular dependency: src/lib/server/a.ts -> src/lib/server/b.ts -> src/lib/server/a.ts',
      'error during build: something real',
      '  ✔ done'
    ]);
  });
});
