import type { PasskeyFailure } from './ceremonies';
import { m } from '../../../paraglide/messages.js';

/**
 * What a person reads when a passkey did not work, per ceremony, in the request's language;
 * never blames them vaguely.
 */
export function passkeyFailureMessage(
  ceremony: 'register' | 'sign_in' | 'step_up',
  reason: PasskeyFailure
): string {
  switch (reason) {
    case 'challenge':
      return m.passkey_challenge_used();
    case 'exists':
      return m.passkey_error_exists();
    case 'unknown':
      return ceremony === 'step_up' ? m.passkey_unknown_step_up() : m.passkey_unknown();
    case 'invalid':
      return ceremony === 'sign_in' ? m.passkey_invalid_sign_in() : m.passkey_invalid();
  }
}
