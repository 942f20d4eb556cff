// Chromium's virtual authenticator (CDP WebAuthn domain): a phone's built-in passkey store with
// resident keys and user verification, answering every prompt at once.
import type { CDPSession, Page } from '@playwright/test';

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
  credentialCount(): Promise<number>;
  /** Off: the authenticator answers nothing (while a test signs in by email instead). */
  answer(enabled: boolean): Promise<void>;
}

export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true
    }
  });
  return {
    cdp,
    authenticatorId,
    async credentialCount() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials.length;
    },
    async answer(enabled: boolean) {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });
    }
  };
}

/** True when passkeys can work at this base URL (a host name, not an IP address). */
export function passkeysPossible(baseURL: string | undefined): boolean {
  const host = baseURL ? new URL(baseURL).hostname : '';
  return host !== '' && !/^[\d.]+$/.test(host) && !host.includes(':');
}
