import { describe, expect, it } from 'vitest';
import { describeExpiry, formatWhen, renderMagicLinkEmail } from './magic-link';
import { renderBrandedEmail, safeBrandColor, textOn } from './branded';

const base = {
  firmName: 'Smith & <Co>',
  brandColor: '#1f6f5c',
  heading: 'Your Q3 2026 review is ready',
  intro: 'Smith & Co has shared 3 documents with you.',
  buttonLabel: 'Open my review',
  url: 'https://sheaf.example/l/abc?x=1&y=2',
  code: '123456',
  expiresAt: new Date('2026-12-02T14:00:00Z'),
  now: new Date('2026-11-25T09:00:00Z'),
  timeZone: 'UTC'
};

describe('magic-link email', () => {
  it('says when the link stops working in words', () => {
    expect(formatWhen(new Date('2026-12-02T14:00:00Z'), 'UTC')).toBe('Wed 2 Dec, 14:00');
    expect(formatWhen(new Date('2026-12-02T14:00:00Z'), 'Europe/Berlin')).toBe('Wed 2 Dec, 15:00');
    // Other languages in full, as their running text reads: "el miércoles, 2 de diciembre".
    expect(formatWhen(new Date('2026-12-02T14:00:00Z'), 'UTC', 'es')).toBe(
      'miércoles, 2 de diciembre, 14:00'
    );
    expect(describeExpiry(base.expiresAt, base.now, 'UTC', 'es')).toBe(
      'Este enlace funciona hasta el miércoles, 2 de diciembre, 14:00 UTC.'
    );
    expect(describeExpiry(base.expiresAt, base.now, 'UTC')).toBe(
      'This link works until Wed 2 Dec, 14:00 UTC.'
    );
    const now = new Date('2026-12-02T13:45:00Z');
    expect(describeExpiry(base.expiresAt, now, 'UTC')).toBe(
      'This link works for 15 minutes, until 14:00 UTC.'
    );
    const { html, text } = renderMagicLinkEmail(base);
    expect(text).toContain('This link works until Wed 2 Dec, 14:00 UTC.');
    expect(html).toContain('This link works until Wed 2 Dec, 14:00 UTC.');
  });

  it("words the expiry in the firm's zone, with the abbreviation in force then (DST)", () => {
    const ny = 'America/New_York';
    expect(describeExpiry(base.expiresAt, base.now, ny)).toBe(
      'This link works until Wed 2 Dec, 09:00 EST.'
    );
    const summer = new Date('2026-07-01T14:00:00Z');
    expect(describeExpiry(summer, new Date('2026-06-28T09:00:00Z'), ny)).toBe(
      'This link works until Wed 1 Jul, 10:00 EDT.'
    );
    // A link made the day before the clocks go back, ending after: the later offset counts.
    expect(
      describeExpiry(new Date('2026-11-02T14:00:00Z'), new Date('2026-10-31T14:00:00Z'), ny)
    ).toBe('This link works until Mon 2 Nov, 09:00 EST.');
    expect(describeExpiry(base.expiresAt, new Date('2026-12-02T13:45:00Z'), 'Europe/Berlin')).toBe(
      'This link works for 15 minutes, until 15:00 CET.'
    );
    const { text } = renderMagicLinkEmail({ ...base, timeZone: ny });
    expect(text).toContain('This link works until Wed 2 Dec, 09:00 EST.');
    expect(text).not.toContain('UTC');
  });

  it('names the last day of a link that ends with a day in the zone (packet links)', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    expect(describeExpiry(new Date('2026-12-18T23:59:59Z'), now, 'UTC')).toBe(
      'This link works until Fri 18 Dec 2026.'
    );
    // The end of 18 Dec in New York is 19 Dec in UTC: the firm's day counts.
    const ny = 'America/New_York';
    expect(describeExpiry(new Date('2026-12-19T04:59:59Z'), now, ny)).toBe(
      'This link works until Fri 18 Dec 2026.'
    );
    expect(describeExpiry(new Date('2026-12-19T04:59:59Z'), now, 'UTC')).toBe(
      'This link works until Sat 19 Dec, 04:59 UTC.'
    );
  });

  it('escapes firm names and text, and keeps the link intact', () => {
    const { html, text } = renderMagicLinkEmail({ ...base, heading: '<script>x</script>' });
    expect(html).not.toContain('<Co>');
    expect(html).toContain('Smith &#38; &#60;Co&#62;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('href="https://sheaf.example/l/abc?x=1&#38;y=2"');
    expect(text).toContain('Smith & <Co>');
    expect(text).toContain('https://sheaf.example/l/abc?x=1&y=2');
  });

  it('carries one big button, the code and the "didn\'t expect this?" line', () => {
    const { html, text } = renderMagicLinkEmail(base);
    expect(html.match(/class="button"/g)).toHaveLength(1);
    expect(html).toContain('>123456<');
    expect(text).toContain('Enter this code instead: 123456');
    expect(html).toContain('Didn&#39;t expect this email?');
    expect(text).toContain("Didn't expect this email?");
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).not.toMatch(/<img|url\(/);
  });

  it('uses the firm colour, with readable button text, and refuses odd colours', () => {
    expect(renderMagicLinkEmail(base).html).toContain('background:#1f6f5c');
    expect(safeBrandColor('red;background:url(x)')).toBe('#1f6f5c');
    expect(safeBrandColor('#ABC')).toBe('#aabbcc');
    expect(textOn('#1f6f5c')).toBe('#ffffff');
    expect(textOn('#f5d90a')).toBe('#111111');
  });

  it('renders notices without a button or code', () => {
    const { html, text } = renderBrandedEmail({
      firmName: 'Smith & Co',
      heading: 'Casey asked a question',
      intro: ['On page 2 of the bank statement.', 'Reply from your dashboard.'],
      button: { label: 'javascript', url: 'javascript:alert(1)' }
    });
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('class="button"');
    expect(text).toContain('Reply from your dashboard.');
  });
});

describe('quoted messages', () => {
  it('quote above the intro in both parts, escaped in the HTML', () => {
    const { html, text } = renderBrandedEmail({
      firmName: 'Smith & Co',
      heading: 'Sam replied',
      intro: 'Yes, it is.',
      quotes: [
        { label: 'You asked on Wed 2 Dec, 14:00 UTC:', body: 'Is <b>this</b> right?\nAnd "that"?' },
        { label: '…and 2 more questions, answered by this reply.', body: '' }
      ]
    });
    expect(text).toContain(
      'You asked on Wed 2 Dec, 14:00 UTC:\n> “Is <b>this</b> right?\n> And "that"?”\n\n…and 2 more'
    );
    expect(text.indexOf('You asked')).toBeLessThan(text.indexOf('Yes, it is.'));
    expect(html).toContain('“Is &#60;b&#62;this&#60;/b&#62; right?<br>And &#34;that&#34;?”');
    expect(html).not.toContain('<b>this</b>');
    expect(html.indexOf('You asked')).toBeLessThan(html.lastIndexOf('Yes, it is.'));
    // A label-only quote has no empty quotation marks.
    expect(html).not.toContain('“”');
  });
});

describe('the firm’s logo', () => {
  const mail = (logo: string | null) =>
    renderBrandedEmail({
      firmName: 'Harbor & Pine',
      logo,
      heading: 'Your review is ready',
      intro: 'Tap the button.',
      button: { label: 'Review documents', url: 'https://sheaf.example/l/abc' }
    });

  it('is a hosted image with its size and the firm’s name as alt text', () => {
    const { html, text } = mail(`ab/ab${'0'.repeat(30)}.300x100`);
    expect(html).toMatch(
      /<img src="http[^"]+\/api\/logos\/ab0{30}\.300x100\/128\.png" width="120" height="40" alt="Harbor &#38; Pine"/
    );
    // The initial on the brand colour gives way to it.
    expect(html).not.toContain('>H</td>');
    expect(text.split('\n')[0]).toBe('Harbor & Pine');
  });

  it('leaves a mail without one as it was', () => {
    const { html } = mail(null);
    expect(html).not.toContain('<img');
    expect(html).toContain('>H</td>');
  });
});
