import { describe, expect, it } from 'vitest';
import { assertBlobKey } from '../storage';
import {
  LOGO_HEIGHTS,
  logoBlobKey,
  logoOfUrlSegment,
  logoPath,
  logoSize,
  logoView,
  mailLogo,
  newLogoColumn,
  parseLogoColumn
} from './logo-key';

describe('the logo column', () => {
  it('names a random prefix with the image size, and reads back', () => {
    const column = newLogoColumn(300, 100);
    expect(column).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}\.300x100$/);
    expect(newLogoColumn(300, 100)).not.toBe(column);
    const logo = parseLogoColumn(column)!;
    expect(logo).toMatchObject({ width: 300, height: 100 });
    for (const h of LOGO_HEIGHTS) expect(() => assertBlobKey(logoBlobKey(logo, h))).not.toThrow();
  });

  it('reads nothing from a value it does not know', () => {
    for (const v of [
      null,
      '',
      'logo.png',
      '../x',
      'ab/0123.300x100',
      'zz/' + 'a'.repeat(32) + '.1x1'
    ])
      expect(parseLogoColumn(v)).toBeNull();
  });

  it('maps a URL segment to the logo and refuses anything else', () => {
    const logo = parseLogoColumn(newLogoColumn(64, 64))!;
    const segment = logoPath(logo, 64).split('/')[3];
    expect(logoOfUrlSegment(segment)).toEqual(logo);
    expect(logoOfUrlSegment('../../etc')).toBeNull();
    expect(logoOfUrlSegment(logo.id)).toBeNull();
  });
});

describe('logoSize', () => {
  it('keeps the height and the aspect up to 4:1', () => {
    expect(logoSize({ width: 300, height: 100 }, 64)).toEqual({ width: 192, height: 64 });
    expect(logoSize({ width: 100, height: 400 }, 128)).toEqual({ width: 32, height: 128 });
    expect(logoSize({ width: 1, height: 10_000 }, 64)).toEqual({ width: 1, height: 64 });
  });

  it('draws a wider logo less high, four times the height across', () => {
    expect(logoSize({ width: 1000, height: 100 }, 64)).toEqual({ width: 256, height: 26 });
    expect(logoSize({ width: 10_000, height: 1 }, 64)).toEqual({ width: 256, height: 1 });
  });
});

describe('logoView and mailLogo', () => {
  it('give a page and a mail their sizes, and nothing without a logo', () => {
    const column = newLogoColumn(300, 100);
    const view = logoView(column)!;
    expect(view).toMatchObject({ width: 96, height: 32 });
    expect(view.srcset).toContain('/128.png 4x');
    const mail = mailLogo(column, 'https://sheaf.example')!;
    expect(mail).toMatchObject({ width: 120, height: 40 });
    expect(mail.url).toMatch(
      /^https:\/\/sheaf\.example\/api\/logos\/[0-9a-f]{32}\.300x100\/128\.png$/
    );
    expect(logoView(null)).toBeNull();
    expect(mailLogo(null, 'https://sheaf.example')).toBeNull();
  });
});
