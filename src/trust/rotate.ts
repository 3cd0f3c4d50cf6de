import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createKeyFile, KeyFileError, loadKeyFile, verifySignature, type PublicKey, type SigningKey } from './keys';

/**
 * Key rotation. The new key is announced signed by the old one (and by itself, proving it is
 * held), so whoever trusted the old key can follow to the new one. The old private key is
 * destroyed (a key is often rotated because it may have leaked); its public half stays in
 * `<key file>.retired.json`, so statements it signed still verify and the site still lists it.
 */
export interface Rotation {
  from: string;
  to: string;
  /** The new key's public half (base64, raw 32 bytes). */
  public_key: string;
  at: string;
  /** By the old key, then by the new one, over rotationMessage. */
  signature_by_old: string;
  signature_by_new: string;
}

export interface RetiredKey {
  key_id: string;
  public_key: string;
  retired_at: string;
  rotation: Rotation;
}

export const rotationMessage = (r: Pick<Rotation, 'from' | 'to' | 'public_key' | 'at'>) => ['herald key rotation v1', `from ${r.from}`, `to ${r.to} ${r.public_key}`, `time ${r.at}`].join('\n');

const retiredFile = (keyFile: string) => `${keyFile}.retired.json`;

export function retiredKeys(keyFile: string): RetiredKey[] {
  const file = retiredFile(keyFile);
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RetiredKey[];
  } catch {
    throw new KeyFileError(`${file} is not herald's list of retired keys (not JSON); restore it from a backup`);
  }
}

/** Every key statements may be signed with: the current one first, then the retired ones. */
export function publicKeys(keyFile: string, current?: PublicKey): PublicKey[] {
  const now = current ?? loadKeyFile(keyFile);
  return [...(now ? [{ keyId: now.keyId, publicKey: now.publicKey }] : []), ...retiredKeys(keyFile).map((k) => ({ keyId: k.key_id, publicKey: k.public_key }))];
}

/** Whether a rotation is what it says: signed by the key it leaves and by the key it names. */
export const rotationHolds = (r: Rotation, old: PublicKey): boolean =>
  old.keyId === r.from && verifySignature(old, rotationMessage(r), r.signature_by_old) && verifySignature({ keyId: r.to, publicKey: r.public_key }, rotationMessage(r), r.signature_by_new);

export function rotateKeyFile(keyFile: string, now: Date): { old: SigningKey; next: SigningKey; rotation: Rotation } {
  const old = loadKeyFile(keyFile);
  if (!old) throw new KeyFileError(`HERALD_SIGNING_KEY_FILE: there is no signing key at ${keyFile} to rotate; run herald keys init first`);
  const staged = `${keyFile}.next`;
  rmSync(staged, { force: true });
  const next = createKeyFile(staged);
  const body = { from: old.keyId, to: next.keyId, public_key: next.publicKey, at: now.toISOString() };
  const rotation: Rotation = { ...body, signature_by_old: old.sign(rotationMessage(body)), signature_by_new: next.sign(rotationMessage(body)) };
  // The retired list first: if herald stops between the two steps, the old key is still in place and listed, never lost.
  writeFileSync(retiredFile(keyFile), `${JSON.stringify([...retiredKeys(keyFile), { key_id: old.keyId, public_key: old.publicKey, retired_at: body.at, rotation }], null, 2)}\n`);
  renameSync(staged, keyFile);
  return { old, next, rotation };
}
