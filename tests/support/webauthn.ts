// A software passkey authenticator for integration tests: a P-256 key made with node:crypto,
// answering registration with "none" attestation and sign-in or step-up with a signed
// assertion, exactly as a browser posts them (@simplewebauthn/browser's JSON shapes).
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(bytes as Uint8Array<ArrayBuffer>);
const sha256 = (data: Uint8Array | string) =>
  new Uint8Array(createHash('sha256').update(data).digest());

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
}

export class SoftAuthenticator {
  readonly credentialId: Uint8Array;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  userHandle: string | null = null;
  counter = 0;

  constructor(
    /** The origin the "browser" reports in clientDataJSON. */
    public origin: string,
    /** Overrides the RP ID the authenticator signs for (tests of a wrong RP ID). */
    public rpId: string | null = null
  ) {
    this.credentialId = crypto.getRandomValues(new Uint8Array(32));
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get id(): string {
    return b64(this.credentialId);
  }

  private rpIdHash(optionsRpId: string | undefined) {
    return sha256(this.rpId ?? optionsRpId ?? new URL(this.origin).hostname);
  }

  private coseKey(): Uint8Array {
    const jwk = this.publicKey.export({ format: 'jwk' });
    const x = isoBase64URL.toBuffer(jwk.x!);
    const y = isoBase64URL.toBuffer(jwk.y!);
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, x],
        [-3, y]
      ])
    );
  }

  private clientData(type: string, challenge: string) {
    return new TextEncoder().encode(
      JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false })
    );
  }

  /** The response to registration options (navigator.credentials.create). */
  register(options: CreationOptions) {
    this.userHandle = options.user.id;
    const flags = 0x01 | 0x04 | 0x40; // user present, user verified, attested credential data
    const idLength = new Uint8Array([
      this.credentialId.length >> 8,
      this.credentialId.length & 255
    ]);
    const authData = concat(
      this.rpIdHash(options.rp.id),
      new Uint8Array([flags]),
      u32(this.counter),
      new Uint8Array(16),
      idLength,
      this.credentialId,
      this.coseKey()
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData]
      ]) as never
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64(this.clientData('webauthn.create', options.challenge)),
        attestationObject: b64(attestationObject),
        transports: ['internal']
      }
    };
  }

  /** The response to sign-in or step-up options (navigator.credentials.get). */
  assert(options: RequestOptions, { counter = this.counter + 1 } = {}) {
    this.counter = counter;
    const authData = concat(
      this.rpIdHash(options.rpId),
      new Uint8Array([0x01 | 0x04]),
      u32(counter)
    );
    const clientDataJSON = this.clientData('webauthn.get', options.challenge);
    const signature = sign('sha256', concat(authData, sha256(clientDataJSON)), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(new Uint8Array(signature)),
        ...(this.userHandle ? { userHandle: this.userHandle } : {})
      }
    };
  }
}
