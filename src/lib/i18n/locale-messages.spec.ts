import { describe, expect, it } from 'vitest';
import { loadLocaleMessages, messagesFor, usableLocale } from './locale-messages.svelte';

describe('locale messages', () => {
  it('English is always there and needs no module', () => {
    expect(usableLocale('en')).toBe('en');
    expect(messagesFor('en')).toBeUndefined();
  });

  it('another language is used once loaded; until then the last one stays', async () => {
    expect(messagesFor('es')).toBeUndefined();
    expect(usableLocale('es')).toBe('en');
    await loadLocaleMessages('es');
    expect(usableLocale('es')).toBe('es');
    expect(messagesFor('es')?.approve()).toBe('Aprobar');
    expect(messagesFor('es')?.approve_consent({ count: 2 })).toBe(
      'He revisado estos 2 documentos y los apruebo.'
    );
    // German asked for while Spanish is on screen: Spanish until German arrives.
    expect(usableLocale('de')).toBe('es');
    await loadLocaleMessages('de');
    expect(usableLocale('de')).toBe('de');
    expect(messagesFor('de')?.approve()).toBe('Freigeben');
  });
});
