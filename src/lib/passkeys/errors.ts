// What a person reads when the browser's side of a passkey ceremony fails. Cancelling (closing
// the sheet, or the browser timing out) is no error: nothing is shown for it.

export type Ceremony = 'register' | 'sign_in' | 'step_up';

export interface CeremonyError {
  /** The person closed the prompt, or another ceremony replaced this one: say nothing. */
  cancelled: boolean;
  message: string;
}

const FALLBACK: Record<Ceremony, string> = {
  register: 'This browser could not make a passkey. You can keep signing in by email.',
  sign_in: 'This browser could not use a passkey. Sign in with your email instead.',
  step_up: 'This browser could not use your passkey. Please try again.'
};

/** Reads @simplewebauthn/browser's WebAuthnError (code) or the DOMException under it (name). */
export function describeCeremonyError(ceremony: Ceremony, error: unknown): CeremonyError {
  const e = (error ?? {}) as { name?: string; code?: string; cause?: { name?: string } };
  const name = e.cause?.name ?? e.name;
  if (e.code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError' || name === 'NotAllowedError') {
    return { cancelled: true, message: '' };
  }
  if (e.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
    return { cancelled: false, message: 'This device already has a passkey for your account.' };
  }
  return { cancelled: false, message: FALLBACK[ceremony] };
}
