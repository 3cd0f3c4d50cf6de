import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256 } from '../util/hash';

/**
 * herald's Ed25519 key, with node:crypto (OpenSSL underneath): no extra dependency for the one
 * algorithm herald needs, and the key file is the standard PKCS#8 PEM any tool can read. The
 * private half stays a KeyObject, which prints as `KeyObject { type: 'private' }` and never
 * as its bytes, so it cannot slip into a log line or an error.
 */

/** A public key as herald publishes it: the raw 32 bytes in base64, and a short id to name it. */
export interface PublicKey {
  keyId: string;
  /** base64 of the raw 32-byte Ed25519 public key (what WebCrypto's importKey('raw') takes). */
  publicKey: string;
}

export interface SigningKey extends PublicKey {
  sign(message: string): string;
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

const rawPublic = (key: KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
const keyIdOf = (raw: Buffer): string => sha256(raw.toString('base64')).slice(0, 16);

function signingKey(priv: KeyObject): SigningKey {
  const raw = rawPublic(createPublicKey(priv));
  return { keyId: keyIdOf(raw), publicKey: raw.toString('base64'), sign: (message) => sign(null, Buffer.from(message, 'utf8'), priv).toString('base64') };
}

/**
 * Creates the key file with owner-only permissions (0600, its folder 0700 when herald creates
 * it). An existing key is never replaced: statements already signed with it must stay verifiable.
 */
export function createKeyFile(path: string): SigningKey {
  if (existsSync(path)) throw new KeyFileError(`${path} already holds a signing key; herald never replaces one (move it away first if you mean to start a new key)`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  // 'wx': fails rather than overwrite, should another process create the file meanwhile.
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return signingKey(privateKey);
}

/** The key at `path`, or undefined when there is none yet (herald then signs nothing). */
export function loadKeyFile(path: string): SigningKey | undefined {
  if (!existsSync(path)) return undefined;
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new KeyFileError(`HERALD_SIGNING_KEY_FILE: ${path} can be read by others (mode ${mode.toString(8)}); run chmod 600 ${path}`);
  try {
    const key = createPrivateKey(readFileSync(path, 'utf8'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    return signingKey(key);
  } catch {
    // The cause is left out on purpose: it might quote the file.
    throw new KeyFileError(`HERALD_SIGNING_KEY_FILE: ${path} is not an Ed25519 private key in PEM; point it at the file herald keys init wrote`);
  }
}

/** Whether `signature` (base64) is the signature of `message` by the published key. */
export function verifySignature(key: PublicKey, message: string, signature: string): boolean {
  try {
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    return verify(null, Buffer.from(message, 'utf8'), pub, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
