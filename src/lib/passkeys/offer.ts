// The "Sign in with Face ID, your fingerprint or your screen lock next time" card: once
// dismissed, or once a passkey was added on this device, it never shows again here. Kept in a
// cookie, not storage: signing out clears this site's storage (Clear-Site-Data), and the choice
// should outlast that.

export const OFFER_COOKIE = 'sheaf_passkey_offer';
export type OfferState = 'dismissed' | 'added';

/** This device's answer to the offer, from document.cookie; null when it was never answered. */
export function offerStateOf(cookieHeader: string): OfferState | null {
  for (const part of cookieHeader.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === OFFER_COOKIE && (value === 'dismissed' || value === 'added')) return value;
  }
  return null;
}

/** The cookie that remembers the answer for a year (readable by this site's pages only). */
export function offerCookie(state: OfferState, secure: boolean): string {
  return `${OFFER_COOKIE}=${state}; Path=/; Max-Age=${365 * 24 * 3600}; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Whether to show the offer: a link or code sign-in, WebAuthn here, and no answer yet. */
export function shouldOffer(input: {
  signInMethod: string | null;
  supported: boolean;
  state: OfferState | null;
}): boolean {
  return input.signInMethod !== 'passkey' && input.supported && input.state === null;
}

/** What the server knows of the session: how it began, and whether a passkey confirmed it. */
export interface OfferSession {
  signInMethod: string | null;
  passkeyConfirmedAt: Date | null;
}

/**
 * The server's half of shouldOffer, for a page's first paint: whether this session and this
 * device's cookie call for the offer (the browser then checks WebAuthn is there). A session a
 * passkey confirmed (the staff step-up) has shown this device has one.
 */
export function offerDue(session: OfferSession | null, cookieHeader: string | null): boolean {
  const signInMethod = session?.passkeyConfirmedAt ? 'passkey' : (session?.signInMethod ?? null);
  return shouldOffer({ signInMethod, supported: true, state: offerStateOf(cookieHeader ?? '') });
}
