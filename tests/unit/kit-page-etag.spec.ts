// Server-rendered pages carry no ETag (scripts/kit-page-etag.js): each has its own CSP nonce, so
// Kit's hash of the HTML could never match an If-None-Match and only cost time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropPageEtag } from '../../scripts/kit-page-etag.js';

const kit = path.dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));
const render = readFileSync(path.join(kit, 'src/runtime/server/page/render.js'), 'utf8');

describe('the page ETag', () => {
  it('is dropped from the installed SvelteKit’s page renderer, and nothing else is', () => {
    const out = dropPageEtag(render);
    expect(out).not.toContain("headers.set('etag'");
    const [before, after] = [render.split('\n'), out.split('\n')];
    expect(after).toHaveLength(before.length);
    const changed = before.filter((line, i) => line !== after[i]);
    expect(changed).toEqual([expect.stringContaining("headers.set('etag'")]);
  });

  it('stops the build when SvelteKit changes how it sets it', () => {
    expect(() => dropPageEtag('export function render() {}')).toThrow(/kit-page-etag/);
  });
});
