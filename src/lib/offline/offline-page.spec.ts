import { describe, expect, it } from 'vitest';
import { offlinePageHtml } from './offline-page';

const packetPath = '/p/0f8fad5b-d9cb-469f-a165-70867728950e';
const text = (html: string, tag: string) =>
  new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(html)?.[1];

describe('the offline page', () => {
  it('an unsaved packet, in English by default', () => {
    const html = offlinePageHtml(packetPath, 'en');
    expect(html).toContain('<html lang="en">');
    expect(text(html, 'h1')).toBe('This packet is not on this device');
    expect(text(html, 'p')).toContain('tap “Save for offline”');
    expect(text(html, 'a')).toBe('Your saved documents');
    expect(text(html, 'title')).toBe('This packet is not on this device · Sheaf');
  });

  it('speaks the device’s language, <html lang> included', () => {
    const es = offlinePageHtml(packetPath, 'es');
    expect(es).toContain('<html lang="es">');
    expect(text(es, 'h1')).toBe('Esta carpeta no está en este dispositivo');
    // The button it names is the packet page's own, in the same words.
    expect(text(es, 'p')).toContain('«Guardar sin conexión»');
    expect(text(es, 'a')).toBe('Sus documentos guardados');

    const fr = offlinePageHtml('/account', 'fr');
    expect(fr).toContain('<html lang="fr">');
    expect(text(fr, 'h1')).toBe('Vous êtes hors ligne');
    expect(text(fr, 'a')).toBe('Vos documents enregistrés');

    const de = offlinePageHtml(packetPath, 'de');
    expect(text(de, 'h1')).toBe('Diese Mappe ist nicht auf diesem Gerät');
    expect(text(de, 'p')).toContain('„Offline speichern“');
  });

  it('any other page: offline, with the saved packets still there', () => {
    const html = offlinePageHtml('/p', 'en');
    expect(text(html, 'h1')).toBe('You are offline');
    expect(text(html, 'p')).toBe(
      'This page needs a connection. Packets you saved for offline reading are still here.'
    );
  });
});
