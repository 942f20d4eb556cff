// The three WebAuthn ceremonies: registering a passkey (signed in), signing in with one
// (signed out; usernameless, so nothing says whether an address has a passkey), and a staff
// step-up (signed in, with one of the user's own passkeys). Each is options (a challenge bound
// to the asker), then a response checked against that challenge, consumed once.
import { eq } from 'drizzle-orm';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Db } from '../../db/client';
import { passkey, session } from '../../db/schema';
import { challengeOf, CHALLENGE_TTL_MS, consumeChallenge, issueChallenge } from './challenges';
import {
  credentialDescriptors,
  defaultPasskeyName,
  findPasskeyByCredential,
  PASSKEY_NAME_MAX,
  type Passkey
} from './credentials';
import { relyingParty } from './relying-party';

export type PasskeyFailure =
  /** No live challenge of this ceremony for this session or browser (used, expired, foreign). */
  | 'challenge'
  /** No passkey with this credential id here (or, in a step-up, not the user's own). */
  | 'unknown'
  /** The response does not verify: signature, origin, RP ID, counter, or malformed. */
  | 'invalid'
  /** Registration: this authenticator's passkey is already registered. */
  | 'exists';

export type CeremonyResult<T> = ({ ok: true } & T) | { ok: false; reason: PasskeyFailure };

/** The user handle a passkey stores: the user's id as 16 bytes (never their address). */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  const hex = userId.replace(/-/g, '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const randomChallenge = () => {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return bytes;
};

export async function registrationOptions(
  db: Db,
  user: { id: string; email: string; name: string },
  sessionHash: string
) {
  const rp = relyingParty();
  const challenge = randomChallenge();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: userHandleOf(user.id),
    userName: user.email,
    userDisplayName: user.name || user.email,
    challenge,
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: await credentialDescriptors(db, user.id),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
  });
  await issueChallenge(db, {
    challenge: options.challenge,
    ceremony: 'register',
    bindingHash: sessionHash,
    userId: user.id
  });
  return options;
}

/** Checks a registration response and stores the passkey, named after the device. */
export async function verifyRegistration(
  db: Db,
  input: {
    userId: string;
    sessionHash: string;
    response: RegistrationResponseJSON;
    userAgent: string | null;
  }
): Promise<CeremonyResult<{ passkey: Passkey }>> {
  const rp = relyingParty();
  const challenge = challengeOf(input.response.response.clientDataJSON);
  const taken =
    challenge &&
    (await consumeChallenge(db, {
      challenge,
      ceremony: 'register',
      bindingHash: input.sessionHash,
      userId: input.userId
    }));
  if (!challenge || !taken) return { ok: false, reason: 'challenge' };
  let info;
  try {
    const verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false
    });
    if (!verified.verified) return { ok: false, reason: 'invalid' };
    info = verified.registrationInfo;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const [row] = await db
    .insert(passkey)
    .values({
      userId: input.userId,
      credentialId: info.credential.id,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name: defaultPasskeyName(input.userAgent).slice(0, PASSKEY_NAME_MAX)
    })
    .onConflictDoNothing({ target: passkey.credentialId })
    .returning();
  if (!row) return { ok: false, reason: 'exists' };
  return { ok: true, passkey: row };
}

/** Sign-in options: no credentials listed (discoverable passkeys), so none is revealed. */
export async function signInOptions(db: Db, bindingHash: string) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    challenge: randomChallenge(),
    timeout: CHALLENGE_TTL_MS,
    userVerification: 'preferred'
  });
  await issueChallenge(db, { challenge: options.challenge, ceremony: 'sign_in', bindingHash });
  return options;
}

/** Step-up options: the user's own passkeys only. */
export async function stepUpOptions(db: Db, userId: string, sessionHash: string) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    challenge: randomChallenge(),
    timeout: CHALLENGE_TTL_MS,
    userVerification: 'preferred',
    allowCredentials: await credentialDescriptors(db, userId)
  });
  await issueChallenge(db, {
    challenge: options.challenge,
    ceremony: 'step_up',
    bindingHash: sessionHash,
    userId
  });
  return options;
}

/**
 * Checks an assertion against its challenge (taken once) and the stored passkey, then stores
 * the new signature counter and when it was used. `userId`: a step-up accepts only that user's
 * passkeys; a sign-in accepts anyone's.
 */
export async function verifyAssertion(
  db: Db,
  input: {
    ceremony: 'sign_in' | 'step_up';
    bindingHash: string;
    userId: string | null;
    response: AuthenticationResponseJSON;
  }
): Promise<CeremonyResult<{ passkey: Passkey }>> {
  const rp = relyingParty();
  const { response } = input;
  const challenge = challengeOf(response.response.clientDataJSON);
  const taken =
    challenge &&
    (await consumeChallenge(db, {
      challenge,
      ceremony: input.ceremony,
      bindingHash: input.bindingHash,
      userId: input.userId
    }));
  if (!challenge || !taken) return { ok: false, reason: 'challenge' };
  if (response.id !== response.rawId) return { ok: false, reason: 'invalid' };
  const stored = await findPasskeyByCredential(db, response.id);
  if (!stored || (input.userId && stored.userId !== input.userId)) {
    return { ok: false, reason: 'unknown' };
  }
  // A discoverable passkey names its user: it must be the one the credential was made for.
  const handle = response.response.userHandle;
  if (handle && handle !== isoBase64URL.fromBuffer(userHandleOf(stored.userId))) {
    return { ok: false, reason: 'unknown' };
  }
  let newCounter: number;
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
      credential: {
        id: stored.credentialId,
        publicKey: isoBase64URL.toBuffer(stored.publicKey),
        counter: stored.counter,
        transports: stored.transports as AuthenticatorTransportFuture[]
      }
    });
    // The library refuses a counter that did not grow (a cloned authenticator) by throwing.
    if (!verified.verified) return { ok: false, reason: 'invalid' };
    newCounter = verified.authenticationInfo.newCounter;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const [row] = await db
    .update(passkey)
    .set({ counter: newCounter, lastUsedAt: new Date() })
    .where(eq(passkey.id, stored.id))
    .returning();
  return row ? { ok: true, passkey: row } : { ok: false, reason: 'unknown' };
}

/** Marks a session as confirmed with a passkey (the staff step-up). */
export async function confirmSession(db: Db, sessionHash: string): Promise<void> {
  await db
    .update(session)
    .set({ passkeyConfirmedAt: new Date() })
    .where(eq(session.idHash, sessionHash));
}
