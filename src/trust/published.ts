import { and, asc, eq, max } from 'drizzle-orm';
import { broadcasts, deliveries, deliveryParts, drafts, statementSignatures } from '../store/schema';
import type { Db } from '../store/db';
import { sha256 } from '../util/hash';
import { canonicalText } from './canonical';
import type { Checkpoint } from './checkpoint';
import type { PublicKey } from './keys';
import type { RetiredKey, Rotation } from './rotate';
import { verifyOne, type SignedStatement, type StatementState } from './sign';

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
  state: StatementState;
}

export const STATEMENTS_PATH = 'statements.json';
/** What `herald verify` and verify.html add after a statement that is no longer what herald says. */
export const STATE_NOTE: Record<StatementState, string> = { current: '', corrected: '; a correction has replaced it since', retracted: '; it has since been retracted' };
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

/** Every signature (or those of one canonical text's hash), with what became of the statement since. */
export function publishedSignatures(db: Db, textSha256?: string): PublishedSignature[] {
  const corrected = new Map(
    db
      .select({ draftId: broadcasts.draftId, at: max(broadcasts.createdAt) })
      .from(broadcasts)
      .where(eq(broadcasts.kind, 'correct'))
      .groupBy(broadcasts.draftId)
      .all()
      .map((c) => [c.draftId, c.at]),
  );
  return db
    .select({ s: statementSignatures, part: deliveryParts.status, draft: drafts.status, kind: broadcasts.kind })
    .from(statementSignatures)
    .innerJoin(deliveryParts, eq(deliveryParts.id, statementSignatures.partId))
    .innerJoin(deliveries, eq(deliveries.id, deliveryParts.deliveryId))
    .innerJoin(broadcasts, eq(broadcasts.id, deliveries.broadcastId))
    .innerJoin(drafts, eq(drafts.id, statementSignatures.draftId))
    .where(and(textSha256 === undefined ? undefined : eq(statementSignatures.textSha256, textSha256)))
    .orderBy(asc(statementSignatures.id))
    .all()
    .map(({ s, part, draft, kind }) => {
      const correctedAt = corrected.get(s.draftId);
      // The retraction's public notice is what herald says now; a part edited in place is signed
      // again when edited, so its new signature is newer than the correction.
      const state: StatementState =
        part === 'deleted' || (draft === 'retracted' && kind !== 'retract') ? 'retracted' : kind !== 'retract' && correctedAt && s.postedAt < correctedAt ? 'corrected' : 'current';
      return {
        draft_id: s.draftId,
        platform: s.platform,
        target: s.targetId,
        posted_at: s.postedAt,
        form: s.form,
        text: s.text,
        text_sha256: s.textSha256,
        key_id: s.keyId,
        signature: s.signature,
        state,
      };
    });
}

/** The signatures in herald's database of `text`, each checked against the key it names among `keys`. */
export const findSigned = (db: Db, keys: PublicKey[], text: string): SignedStatement[] => verifyPublished(publishedSignatures(db, sha256(canonicalText(text))), keys, text);

export const keysOf = (doc: HeraldJson): PublicKey[] => doc.keys.map((k) => ({ keyId: k.key_id, publicKey: k.public_key }));

/** The published signatures of `text`, each checked against the published keys. */
export function verifyPublished(list: PublishedSignature[], keys: PublicKey[], text: string): SignedStatement[] {
  const sha = sha256(canonicalText(text));
  return list
    .filter((p) => p.text_sha256 === sha)
    .map((p) => ({ keyId: p.key_id, draftId: p.draft_id, platform: p.platform, targetId: p.target, postedAt: p.posted_at, textSha256: p.text_sha256, form: p.form, signature: p.signature, state: p.state }))
    .filter((s) => keys.some((k) => k.keyId === s.keyId && verifyOne(k, s)));
}
