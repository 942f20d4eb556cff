import { getConfig } from '../../config';

export interface RelyingParty {
  /** The RP ID: the host name of ORIGIN (a passkey works only on that site and its subdomains). */
  id: string;
  /** The exact origin a browser reports in clientDataJSON. */
  origin: string;
  name: string;
}

/** Who passkeys are made for: derived from the configured ORIGIN, never from a request. */
export function relyingParty(origin = getConfig().origin): RelyingParty {
  return { id: new URL(origin).hostname, origin, name: 'Sheaf' };
}
