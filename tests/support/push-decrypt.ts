// The browser's side of Web Push, for tests: a subscription's keys (a P-256 key pair and a
// 16-byte auth secret, as PushManager makes them) and the decryption of what the push service
// delivers (RFC 8291 on RFC 8188's aes128gcm), plus a check of the VAPID header (RFC 8292).
import { createDecipheriv, createECDH, hkdfSync, randomBytes, verify } from 'node:crypto';

export interface BrowserKeys {
  /** What PushSubscription.toJSON().keys holds. */
  keys: { p256dh: string; auth: string };
  privateKey: Buffer;
  publicKey: Buffer;
  authSecret: Buffer;
}

export function makeBrowserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    keys: { p256dh: publicKey.toString('base64url'), auth: authSecret.toString('base64url') },
    privateKey: ecdh.getPrivateKey(),
    publicKey,
    authSecret
  };
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number) =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** Decrypts one aes128gcm push body for these browser keys; throws if it does not open. */
export function decryptPush(body: Buffer, browser: BrowserKeys): string {
  // Header: salt (16) | record size (4) | key id length (1) | key id (the server's public key).
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(browser.privateKey);
  const shared = ecdh.computeSecret(serverKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), browser.publicKey, serverKey]);
  const ikm = hkdf(shared, browser.authSecret, keyInfo, 32);
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final()
  ]);
  // The last record ends with the delimiter 0x02, then any zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
  /** The k= parameter: the server's public key. */
  publicKey: string;
}

/**
 * Reads `Authorization: vapid t=<JWT>, k=<key>`, verifies the JWT's ES256 signature with k, and
 * returns its claims; throws when the header or signature is wrong.
 */
export function readVapid(authorization: string | undefined): VapidClaims {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m) throw new Error(`not a VAPID header: ${authorization}`);
  const [, jwt, k] = m;
  const [header, payload, signature] = jwt.split('.');
  const key = Buffer.from(k, 'base64url');
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: key.subarray(1, 33).toString('base64url'),
    y: key.subarray(33, 65).toString('base64url')
  };
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: jwk, format: 'jwk', dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url')
  );
  if (!ok) throw new Error('the VAPID signature does not verify');
  return { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), publicKey: k };
}
