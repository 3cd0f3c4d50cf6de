import { and, eq, isNotNull } from 'drizzle-orm';
import { deliveries, deliveryParts, statementSignatures } from '../store/schema';
import { writeTx, type Db } from '../store/db';
import { appendAudit } from '../audit/append';
import { sha256 } from '../util/hash';
import { canonicalText, discordShown } from './canonical';
import { verifySignature, type PublicKey, type SigningKey } from './keys';

/** What one signature vouches for: which statement, where and when, and the hash of its canonical text. */
export interface Signed {
  keyId: string;
  draftId: number;
  platform: string;
  targetId: string;
  postedAt: string;
  textSha256: string;
}

/**
 * The bytes herald signs. The statement's identity is inside, so a signature copied next to
 * another draft's name, or another platform's, does not verify.
 */
export const signedMessage = (s: Signed): string =>
  ['herald statement v1', `key ${s.keyId}`, `draft ${s.draftId}`, `platform ${s.platform}`, `target ${s.targetId}`, `posted ${s.postedAt}`, `sha256 ${s.textSha256}`].join('\n');

/** The canonical texts a posted part can be pasted as: what was sent and, on Discord, what it reads as. */
export function formsOf(platform: string, text: string): Array<{ form: 'posted' | 'shown'; text: string }> {
  const posted = canonicalText(text);
  const forms: Array<{ form: 'posted' | 'shown'; text: string }> = [{ form: 'posted', text: posted }];
  if (platform === 'discord') {
    const shown = canonicalText(discordShown(text));
    if (shown !== posted) forms.push({ form: 'shown', text: shown });
  }
  return forms;
}

/**
 * Signs every posted message not yet signed for the text it now carries (`deliveryId` narrows
 * it to one delivery), with its `statement.signed` audit event, in one transaction. Idempotent:
 * run after each delivery settles and once at start, so a crash between a post and its signature
 * is caught up.
 */
export function signPosted(db: Db, key: SigningKey, deliveryId?: number): number {
  return writeTx(db, (tx) => {
    const parts = tx
      .select({ part: deliveryParts, draftId: deliveries.draftId, platform: deliveries.platform, targetId: deliveries.targetId })
      .from(deliveryParts)
      .innerJoin(deliveries, eq(deliveries.id, deliveryParts.deliveryId))
      .where(and(isNotNull(deliveryParts.text), isNotNull(deliveryParts.sentAt), deliveryId === undefined ? undefined : eq(deliveries.id, deliveryId)))
      .all();
    const done = new Set(tx.select({ partId: statementSignatures.partId, sha: statementSignatures.partTextSha256 }).from(statementSignatures).all().map((s) => `${s.partId}:${s.sha}`));
    let count = 0;
    for (const { part, draftId, platform, targetId } of parts) {
      const partSha = sha256(part.text!);
      if (done.has(`${part.id}:${partSha}`)) continue;
      const signatures = formsOf(platform, part.text!).map(({ form, text }) => {
        const s: Signed = { keyId: key.keyId, draftId, platform, targetId, postedAt: part.sentAt!, textSha256: sha256(text) };
        const row = { ...s, partId: part.id, form, partTextSha256: partSha, text, signature: key.sign(signedMessage(s)) };
        tx.insert(statementSignatures).values(row).run();
        return { form, sha256: s.textSha256, signature: row.signature };
      });
      appendAudit(tx, { type: 'statement.signed', actor: 'herald', platform, draftId, data: { delivery: part.deliveryId, part: part.idx, target: targetId, keyId: key.keyId, signatures } });
      count++;
    }
    return count;
  });
}

/** A signed statement as `herald verify` and the status site list it. */
export interface SignedStatement extends Signed {
  form: string;
  signature: string;
  /** current: what the statement says now; corrected: a correction replaced it since; retracted: taken down. */
  state: StatementState;
}

export type StatementState = 'current' | 'corrected' | 'retracted';

/** Whether a signature row is herald's signature, by `key`, of what the row says. */
export const verifyOne = (key: PublicKey, s: Signed & { signature: string }): boolean => verifySignature(key, signedMessage(s), s.signature);
