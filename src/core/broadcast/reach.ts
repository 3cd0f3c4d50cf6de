import { and, asc, eq } from 'drizzle-orm';
import { broadcasts, deliveries } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import type { Config, Platform, Severity } from '../../config/types';
import { platformName } from '../../config/schema';
import { activeMarks, heldReason } from '../channels/marks';

/** One place a statement goes, and how: what the preview lists and what the delivery does. */
export interface Reach {
  targetId: string;
  platform: Platform;
  /** @everyone on Discord: only where the policy allows it, and only for a first publication. */
  pingEveryone: boolean;
  /** Pinned on Discord and Telegram where the policy says; X has no pins. */
  pin: boolean;
}

export type ReachKind = 'publish' | 'correct' | 'retract';

/** Sev1 and sev2 retractions tell the community by default; a policy may say otherwise. */
export function retractionNoticeOn(config: Pick<Config, 'policies'>, severity: Severity): boolean {
  return config.policies[severity].retraction_notice ?? (severity === 'sev1' || severity === 'sev2');
}

/** Corrections and retractions go where the statement went, even if the config changed since. */
export function publishedTargets(db: DbOrTx, draftId: number): string[] {
  const rows = db
    .select({ targetId: deliveries.targetId })
    .from(deliveries)
    .innerJoin(broadcasts, eq(broadcasts.id, deliveries.broadcastId))
    .where(and(eq(deliveries.draftId, draftId), eq(broadcasts.kind, 'publish')))
    // In the order they were made: PostgreSQL returns rows unordered otherwise (as last updated).
    .orderBy(asc(deliveries.id))
    .all();
  return [...new Set(rows.map((r) => r.targetId))];
}

/** A place the statement would go but does not, and why (a target marked compromised). */
export interface Withheld {
  targetId: string;
  platform: Platform;
  why: string;
}

/** What reach needs of a draft: a /compromised or /restored draft names the target it marks or frees. */
export type ReachDraft = { id: number; severity: string; channelTarget?: string | null; channelChange?: string | null };

/**
 * Where a broadcast of this kind goes: a statement to its severity's targets, a correction or a
 * retraction to where the statement went. Only a first publication pings or pins. Nothing goes
 * to a target marked compromised, nor to the one a /compromised draft is about to mark; a
 * /restored draft's own announcement does go to the target it frees.
 */
export function reachPlan(config: Pick<Config, 'policies' | 'targets'>, db: DbOrTx, draft: ReachDraft, kind: ReachKind): { reach: Reach[]; withheld: Withheld[] } {
  const policy = config.policies[draft.severity as Severity];
  const ids = kind === 'publish' ? policy.targets : publishedTargets(db, draft.id);
  const marks = activeMarks(db);
  const withheld: Withheld[] = [];
  const kept = ids.filter((targetId) => {
    const platform = (config.targets[targetId]?.platform ?? 'unknown') as Platform;
    const mark = marks.get(targetId);
    if (draft.channelTarget === targetId && draft.channelChange === 'compromised' && !mark) {
      withheld.push({ targetId, platform, why: `held: this statement marks ${targetId} (${platformName(platform)}) compromised; nothing goes there until /restored ${targetId}` });
      return false;
    }
    if (!mark || (draft.channelTarget === targetId && draft.channelChange === 'restored')) return true;
    withheld.push({ targetId, platform, why: heldReason(mark) });
    return false;
  });
  return { reach: kept.map((targetId) => {
    const platform = (config.targets[targetId]?.platform ?? 'unknown') as Platform;
    const publish = kind === 'publish';
    return { targetId, platform, pingEveryone: publish && platform === 'discord' && policy.ping_everyone, pin: publish && platform !== 'x' && policy.pin };
  }), withheld };
}

export const reachOf = (config: Pick<Config, 'policies' | 'targets'>, db: DbOrTx, draft: ReachDraft, kind: ReachKind): Reach[] => reachPlan(config, db, draft, kind).reach;

/** The platforms a list of places covers, in the order previews show them. */
export function platformsReached(reach: Reach[]): Platform[] {
  const used = new Set(reach.map((r) => r.platform));
  return (['discord', 'telegram', 'x'] as const).filter((p) => used.has(p));
}
