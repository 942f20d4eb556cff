// The browser's side of the passkey ceremonies: ask the server for options, let the browser
// (Face ID, fingerprint, a password manager) answer, post the answer back.
import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/browser';
import { describeCeremonyError, type Ceremony } from './errors';
import { m } from '../paraglide/messages.js';

export type Outcome<T> = ({ ok: true } & T) | { ok: false; cancelled: boolean; message: string };

async function post(
  url: string,
  body?: unknown
): Promise<{ status: number; data: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body ?? {})
  });
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, data };
}

const said = (data: Record<string, unknown>) =>
  String(data.error ?? data.message ?? m.passkey_try_again());

async function run<T>(
  ceremony: Ceremony,
  optionsUrl: string,
  ask: (options: Record<string, unknown>) => Promise<unknown>,
  verifyUrl: string,
  extra: Record<string, unknown>,
  read: (data: Record<string, unknown>) => T
): Promise<Outcome<T>> {
  let options;
  try {
    options = await post(optionsUrl);
  } catch {
    return { ok: false, cancelled: false, message: m.passkey_unreachable() };
  }
  if (options.status !== 200) return { ok: false, cancelled: false, message: said(options.data) };
  let response;
  try {
    response = await ask(options.data);
  } catch (error) {
    return { ok: false, ...describeCeremonyError(ceremony, error) };
  }
  try {
    const verified = await post(verifyUrl, { response, ...extra });
    if (verified.status !== 200) {
      return { ok: false, cancelled: false, message: said(verified.data) };
    }
    return { ok: true, ...read(verified.data) };
  } catch {
    return { ok: false, cancelled: false, message: m.passkey_unreachable() };
  }
}

/** Adds a passkey for the signed-in user on this device. */
export function addPasskey(): Promise<Outcome<{ name: string }>> {
  return run(
    'register',
    '/api/passkeys/register/options',
    (o) =>
      startRegistration({ optionsJSON: o as unknown as PublicKeyCredentialCreationOptionsJSON }),
    '/api/passkeys/register',
    {},
    (d) => ({ name: String((d.passkey as { name?: string } | undefined)?.name ?? 'Passkey') })
  );
}

/**
 * Signs in with a passkey; `autofill` waits quietly for the person to pick one from the email
 * field's suggestions (conditional UI) instead of opening the browser's sheet.
 */
export function signInWithPasskey(
  next: string | null,
  autofill = false
): Promise<Outcome<{ redirectTo: string }>> {
  return run(
    'sign_in',
    '/api/passkeys/sign-in/options',
    (o) =>
      startAuthentication({
        optionsJSON: o as unknown as PublicKeyCredentialRequestOptionsJSON,
        useBrowserAutofill: autofill
      }),
    '/api/passkeys/sign-in',
    { next },
    (d) => ({ redirectTo: String(d.redirectTo ?? '/') })
  );
}

/** Confirms this session with one of the user's passkeys (the staff step-up). */
export function confirmWithPasskey(): Promise<Outcome<object>> {
  return run(
    'step_up',
    '/api/passkeys/step-up/options',
    (o) =>
      startAuthentication({ optionsJSON: o as unknown as PublicKeyCredentialRequestOptionsJSON }),
    '/api/passkeys/step-up',
    {},
    () => ({})
  );
}
