// What a person reads when the browser's side of a passkey ceremony fails. Cancelling (closing
// the sheet, or the browser timing out) is no error: nothing is shown for it.

export type Ceremony = 'register' | 'sign_in' | 'step_up';

export interface CeremonyError {
  /** The person closed the prompt, or another ceremony replaced this one: say nothing. */
  cancelled: boolean;
  message: string;
}

import { m } from '../paraglide/messages.js';

const FALLBACK: Record<Ceremony, () => string> = {
  register: () => m.passkey_error_register(),
  sign_in: () => m.passkey_error_sign_in(),
  step_up: () => m.passkey_error_step_up()
};

/** Reads @simplewebauthn/browser's WebAuthnError (code) or the DOMException under it (name). */
export function describeCeremonyError(ceremony: Ceremony, error: unknown): CeremonyError {
  const e = (error ?? {}) as { name?: string; code?: string; cause?: { name?: string } };
  const name = e.cause?.name ?? e.name;
  if (e.code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError' || name === 'NotAllowedError') {
    return { cancelled: true, message: '' };
  }
  if (e.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
    return { cancelled: false, message: m.passkey_error_exists() };
  }
  return { cancelled: false, message: FALLBACK[ceremony]() };
}
