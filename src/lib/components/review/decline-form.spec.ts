import { describe, expect, it } from 'vitest';
import { declineSent, declineOutcome } from './decline-form';

describe('declineOutcome', () => {
  it('closes the sheet and thanks the reader once sent', () => {
    expect(declineOutcome({ type: 'success', data: { declined: true } })).toEqual({
      close: true,
      toast: declineSent(),
      error: null,
      reload: false
    });
  });

  it('keeps the sheet open with the server’s message when the reason was refused', () => {
    const result = { type: 'failure', data: { message: 'Say what is wrong before sending.' } };
    expect(declineOutcome(result)).toEqual({
      close: false,
      toast: null,
      error: 'Say what is wrong before sending.',
      reload: false
    });
    expect(declineOutcome({ type: 'failure', data: null }).error).toMatch(/Try again/);
  });

  it('closes and reloads when the packet was updated since (409)', () => {
    const result = { type: 'failure', data: { message: 'updated', stale: true } };
    expect(declineOutcome(result)).toMatchObject({ close: true, reload: true, error: null });
  });

  it('leaves redirects and errors to SvelteKit', () => {
    expect(declineOutcome({ type: 'redirect' })).toMatchObject({ close: true, error: null });
  });
});
