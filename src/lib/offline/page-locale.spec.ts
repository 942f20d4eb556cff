import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deviceLocale, notePageLocale, pickDeviceLocale } from './page-locale';
import { META_CACHE, PAGE_LOCALE_URL } from './names';

describe('pickDeviceLocale', () => {
  it('speaks the last page’s language, whatever the device says', () => {
    expect(pickDeviceLocale('es', ['en-US', 'en'])).toBe('es');
    expect(pickDeviceLocale('de', [])).toBe('de');
  });

  it('without a noted page: the first of the device’s languages we speak, else English', () => {
    expect(pickDeviceLocale(null, ['pt-BR', 'fr-CA', 'en'])).toBe('fr');
    expect(pickDeviceLocale('pt', ['es-MX'])).toBe('es');
    expect(pickDeviceLocale(null, ['ja', 'pt'])).toBe('en');
    expect(pickDeviceLocale(null, [])).toBe('en');
  });
});

/** Cache Storage, as much of it as the notes use. */
function fakeCaches() {
  const stores = new Map<string, Map<string, string>>();
  const open = async (name: string) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name)!;
    return {
      put: vi.fn(async (url: string, response: Response) => {
        store.set(url, await response.text());
      })
    };
  };
  return {
    stores,
    open: vi.fn(open),
    match: vi.fn(async (url: string, options?: { cacheName?: string }) => {
      const body = stores.get(options?.cacheName ?? '')?.get(url);
      return body === undefined ? undefined : new Response(body);
    })
  };
}

const page = (language: string | null) =>
  new Response('<html>', {
    headers: language ? { 'content-language': language } : {}
  });

describe('the noted page language', () => {
  let caches: ReturnType<typeof fakeCaches>;
  beforeEach(() => {
    caches = fakeCaches();
    vi.stubGlobal('caches', caches);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('notes the Content-Language of a page, and the worker speaks it from then on', async () => {
    expect(await deviceLocale(['en-US'])).toBe('en');
    await notePageLocale(page('es'));
    expect(caches.stores.get(META_CACHE)?.get(PAGE_LOCALE_URL)).toBe('es');
    expect(await deviceLocale(['en-US'])).toBe('es');
    await notePageLocale(page('fr'));
    expect(await deviceLocale(['en-US'])).toBe('fr');
  });

  it('writes only when the language changed, and ignores answers in no language of ours', async () => {
    await notePageLocale(page('de'));
    await notePageLocale(page('de'));
    await notePageLocale(page(null));
    await notePageLocale(page('pt'));
    expect(caches.open).toHaveBeenCalledTimes(1);
    expect(await deviceLocale([])).toBe('de');
  });

  it('a note it cannot read is no note', async () => {
    caches.match.mockRejectedValue(new Error('SecurityError'));
    expect(await deviceLocale(['de-AT'])).toBe('de');
  });
});
