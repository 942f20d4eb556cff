import { describe, expect, it } from 'vitest';
import { withLocaleModules } from './locale-modules';

const built = {
  es: [
    '_app/immutable/chunks/es.js',
    '_app/immutable/chunks/plural.js',
    '_app/immutable/chunks/fw.js'
  ]
};
const kit =
  '<../_app/immutable/entry/start.js>; rel="modulepreload"; nopush, <../_app/immutable/chunks/fw.js>; rel="modulepreload"; nopush';

describe("a page's language module in its Link header", () => {
  it("is added with Kit's relative prefix, once, after Kit's own", () => {
    expect(withLocaleModules(kit, 'es', built)).toBe(
      `${kit}, <../_app/immutable/chunks/es.js>; rel="modulepreload"; nopush, <../_app/immutable/chunks/plural.js>; rel="modulepreload"; nopush`
    );
    const top = kit.replaceAll('../', '/');
    expect(withLocaleModules(top, 'es', built)).toContain('</_app/immutable/chunks/es.js>;');
  });

  it('is not added for English, a language not built, no header or no modulepreloads', () => {
    expect(withLocaleModules(kit, 'en', built)).toBe(kit);
    expect(withLocaleModules(kit, 'fr', built)).toBe(kit);
    expect(withLocaleModules(null, 'es', built)).toBeNull();
    const picture = '</api/files/x/page-1/800>; rel="preload"; as="image"';
    expect(withLocaleModules(picture, 'es', built)).toBe(picture);
  });

  it('adds nothing outside a build (the placeholder was not replaced)', () => {
    expect(withLocaleModules(kit, 'es')).toBe(kit);
  });
});
