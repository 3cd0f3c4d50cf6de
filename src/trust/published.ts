import { asc, eq } from 'drizzle-orm';
import { deliveryParts, statementSignatures } from '../store/schema';
import type { Db } from '../store/db';
import { sha256 } from '../util/hash';
import { canonicalText } from './canonical';
import type { Checkpoint } from './checkpoint';
import type { PublicKey } from './keys';
import type { RetiredKey, Rotation } from './rotate';
import { verifyOne, type SignedStatement } from './sign';

/**
 * What the status site publishes for anyone to check a statement without herald: the public
 * keys and the latest checkpoint in `/.well-known/herald.json`, every signature in
 * `/statements.json`. `herald verify --site` and the site's own pages read these files.
 */
export interface HeraldJson {
  herald: 1;
  org: string;
  /** The current key first, then retired ones (statements they signed still verify). */
  keys: Array<{ key_id: string; algorithm: 'Ed25519'; public_key: string; retired_at?: string }>;
  /** Each rotation, signed by the key it retired and by the key it announced. */
  rotations: Rotation[];
  checkpoint: Checkpoint | null;
  statements: string;
}

export interface PublishedSignature {
  draft_id: number;
  platform: string;
  target: string;
  posted_at: string;
  form: string;
  /** The canonical text herald signed, so a reader can compare it with what they saw. */
  text: string;
  text_sha256: string;
  key_id: string;
  signature: string;
  live: boolean;
}

export const STATEMENTS_PATH = 'statements.json';
export const WELL_KNOWN_PATH = '.well-known/herald.json';

export function heraldJson(org: string, keys: PublicKey[], retired: RetiredKey[], checkpoint: Checkpoint | undefined): HeraldJson {
  const retiredAt = new Map(retired.map((r) => [r.key_id, r.retired_at]));
  return {
    herald: 1,
    org,
    keys: keys.map((k) => ({ key_id: k.keyId, algorithm: 'Ed25519', public_key: k.publicKey, ...(retiredAt.has(k.keyId) ? { retired_at: retiredAt.get(k.keyId)! } : {}) })),
    rotations: retired.map((r) => r.rotation),
    checkpoint: checkpoint ?? null,
    statements: `/${STATEMENTS_PATH}`,
  };
}

export function publishedSignatures(db: Db): PublishedSignature[] {
  return db
    .select({ s: statementSignatures, status: deliveryParts.status })
    .from(statementSignatures)
    .innerJoin(deliveryParts, eq(deliveryParts.id, statementSignatures.partId))
    .orderBy(asc(statementSignatures.id))
    .all()
    .map(({ s, status }) => ({
      draft_id: s.draftId,
      platform: s.platform,
      target: s.targetId,
      posted_at: s.postedAt,
      form: s.form,
      text: s.text,
      text_sha256: s.textSha256,
      key_id: s.keyId,
      signature: s.signature,
      live: status !== 'deleted',
    }));
}

export const keysOf = (doc: HeraldJson): PublicKey[] => doc.keys.map((k) => ({ keyId: k.key_id, publicKey: k.public_key }));

/** The published signatures of `text`, each checked against the published keys. */
export function verifyPublished(list: PublishedSignature[], keys: PublicKey[], text: string): SignedStatement[] {
  const sha = sha256(canonicalText(text));
  return list
    .filter((p) => p.text_sha256 === sha)
    .map((p) => ({ keyId: p.key_id, draftId: p.draft_id, platform: p.platform, targetId: p.target, postedAt: p.posted_at, textSha256: p.text_sha256, form: p.form, signature: p.signature, live: p.live }))
    .filter((s) => keys.some((k) => k.keyId === s.keyId && verifyOne(k, s)));
}
