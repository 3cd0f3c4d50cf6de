import { and, eq } from 'drizzle-orm';
import { broadcasts, deliveries } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import type { Config, Platform, Severity } from '../../config/types';

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
    .all();
  return [...new Set(rows.map((r) => r.targetId))];
}

/**
 * Where a broadcast of this kind goes: a statement to its severity's targets, a correction or a
 * retraction to where the statement went. Only a first publication pings or pins.
 */
export function reachOf(config: Pick<Config, 'policies' | 'targets'>, db: DbOrTx, draft: { id: number; severity: string }, kind: ReachKind): Reach[] {
  const policy = config.policies[draft.severity as Severity];
  const ids = kind === 'publish' ? policy.targets : publishedTargets(db, draft.id);
  return ids.map((targetId) => {
    const platform = (config.targets[targetId]?.platform ?? 'unknown') as Platform;
    const publish = kind === 'publish';
    return { targetId, platform, pingEveryone: publish && platform === 'discord' && policy.ping_everyone, pin: publish && platform !== 'x' && policy.pin };
  });
}

/** The platforms a list of places covers, in the order previews show them. */
export function platformsReached(reach: Reach[]): Platform[] {
  const used = new Set(reach.map((r) => r.platform));
  return (['discord', 'telegram', 'x'] as const).filter((p) => used.has(p));
}
