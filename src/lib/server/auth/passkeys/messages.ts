import type { PasskeyFailure } from './ceremonies';

/** What a person reads when a passkey did not work, per ceremony; never blames them vaguely. */
export function passkeyFailureMessage(
  ceremony: 'register' | 'sign_in' | 'step_up',
  reason: PasskeyFailure
): string {
  switch (reason) {
    case 'challenge':
      return 'That took too long, or the request was already used. Please try again.';
    case 'exists':
      return 'This device already has a passkey for your account.';
    case 'unknown':
      return ceremony === 'step_up'
        ? 'That passkey is not one of yours here. Use the passkey you added to Sheaf.'
        : 'That passkey is not registered here. Sign in with your email instead.';
    case 'invalid':
      return ceremony === 'sign_in'
        ? 'That passkey could not be checked. Try again, or sign in with your email instead.'
        : 'That passkey could not be checked. Please try again.';
  }
}
