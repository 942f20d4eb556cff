import { afterEach, describe, expect, it } from 'vitest';
import { baseLocale, overwriteGetLocale, type Locale } from '../paraglide/runtime.js';
import { refusedSave, SaveError, saveFailureMessage } from './saved';

const speak = (locale: Locale) => overwriteGetLocale(() => locale);
const answer = (status: number, redirected = false) => ({ status, redirected });

describe('why a save failed, in the page’s language', () => {
  afterEach(() => speak(baseLocale));

  it('names the packet gone, the session ended, or the server refusing, never HTTP codes', () => {
    expect(refusedSave(answer(404)).message).toBe('This packet is no longer available.');
    expect(refusedSave(answer(410)).message).toBe('This packet is no longer available.');
    expect(refusedSave(answer(200, true)).message).toBe('Sign in again to save packets.');
    expect(refusedSave(answer(401)).message).toBe('Sign in again to save packets.');
    const refused = refusedSave(answer(502));
    expect(refused.message).toBe('This packet could not be saved just now. Try again in a moment.');
    expect(refused.status).toBe(502);
    expect(refused.message).not.toMatch(/HTTP|\d{3}/);
  });

  it('speaks Spanish, French and German on such pages', () => {
    speak('es');
    expect(refusedSave(answer(404)).message).toBe('Esta carpeta ya no está disponible.');
    expect(refusedSave(answer(200, true)).message).toBe(
      'Vuelva a iniciar sesión para guardar carpetas.'
    );
    expect(refusedSave(answer(500)).message).toBe(
      'No se ha podido guardar esta carpeta en este momento. Inténtelo de nuevo dentro de un rato.'
    );
    speak('fr');
    expect(refusedSave(answer(503)).message).toContain('n’a pas pu être enregistré');
    speak('de');
    expect(refusedSave(answer(401)).message).toBe(
      'Melden Sie sich erneut an, um Mappen zu speichern.'
    );
  });

  it('tells the reader its own refusals, a full device, and a dropped connection', () => {
    speak('es');
    expect(saveFailureMessage(new SaveError('Esta carpeta ya no está disponible.'))).toBe(
      'Esta carpeta ya no está disponible.'
    );
    expect(saveFailureMessage(new DOMException('full', 'QuotaExceededError'))).toBe(
      'No hay espacio suficiente en este dispositivo. Quite otra carpeta guardada e inténtelo de nuevo.'
    );
    // fetch's own failure, and anything else a browser throws in English: the dropped line.
    const dropped = 'Se ha detenido el guardado: se perdió la conexión. Inténtelo de nuevo.';
    expect(saveFailureMessage(new TypeError('Failed to fetch'))).toBe(dropped);
    expect(saveFailureMessage(new Error('UnknownError: IndexedDB'))).toBe(dropped);
    expect(saveFailureMessage('nothing')).toBe(dropped);
  });
});
