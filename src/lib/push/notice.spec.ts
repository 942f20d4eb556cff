import { describe, expect, it } from 'vitest';
import { appPath, fallbackNotice, readPushNotice } from './notice';

const origin = 'https://portal.example.com';

describe('appPath', () => {
  it('keeps paths of this app, with their query and hash', () => {
    expect(appPath('/p/abc', origin)).toBe('/p/abc');
    expect(appPath('/p/abc#thread', origin)).toBe('/p/abc#thread');
    expect(appPath('/firm/packets/x?tab=1#q-2', origin)).toBe('/firm/packets/x?tab=1#q-2');
  });

  it('refuses anything that could leave the app', () => {
    for (const url of [
      'https://evil.example/p',
      '//evil.example/p',
      '/\\evil.example/p',
      'javascript:alert(1)',
      'p/abc',
      '/p/\nabc',
      '',
      null,
      42
    ]) {
      expect(appPath(url, origin), String(url)).toBeNull();
    }
  });
});

describe('readPushNotice', () => {
  it('reads the title, body, tag and path the server sent', () => {
    const data = JSON.stringify({
      title: 'Ledgerline Bookkeeping',
      body: 'Q3 review is ready to review',
      tag: 'packet-1',
      url: '/p/1'
    });
    expect(readPushNotice(data, origin, 'es')).toEqual({
      title: 'Ledgerline Bookkeeping',
      body: 'Q3 review is ready to review',
      tag: 'packet-1',
      url: '/p/1'
    });
  });

  it('opens the packet list for a foreign URL, and shows the fallback for junk', () => {
    const foreign = JSON.stringify({ title: 'Hi', url: 'https://evil.example/' });
    expect(readPushNotice(foreign, origin, 'en')).toMatchObject({
      title: 'Hi',
      url: '/p',
      tag: 'sheaf'
    });
    const fallback = fallbackNotice('en');
    expect(readPushNotice('not json', origin, 'en')).toEqual(fallback);
    expect(readPushNotice(null, origin, 'en')).toEqual(fallback);
    expect(readPushNotice('{"body":"no title"}', origin, 'en')).toEqual(fallback);
    expect(readPushNotice('null', origin, 'en')).toEqual(fallback);
  });

  it('says the fallback in the device’s language', () => {
    expect(readPushNotice(null, origin, 'en')).toEqual({
      title: 'Sheaf',
      body: 'There is something new for you',
      tag: 'sheaf',
      url: '/p'
    });
    expect(readPushNotice('junk', origin, 'es').body).toBe('Hay novedades para usted');
    expect(readPushNotice('junk', origin, 'fr').body).toBe('Il y a du nouveau pour vous');
    expect(readPushNotice('junk', origin, 'de').body).toBe('Es gibt etwas Neues für Sie');
  });
});
