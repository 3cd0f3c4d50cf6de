import { and, eq, isNull, sql } from 'drizzle-orm';
import { compromisedTargets } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import { hot, prepared } from '../../store/prepared';
import type { Config } from '../../config/types';
import { platformName } from '../../config/schema';
import { utcMinute } from '../../util/time';

export type MarkRow = typeof compromisedTargets.$inferSelect;

const activeMarkRows = hot((db: DbOrTx) => db.select().from(compromisedTargets).where(isNull(compromisedTargets.restoredAt)).prepare());

/** The targets marked compromised now, by target id: the fact every send is checked against. */
export function activeMarks(db: DbOrTx): Map<string, MarkRow> {
  const rows = prepared(db, activeMarkRows).all();
  return new Map(rows.map((r) => [r.targetId, r]));
}

const markByTarget = hot((db: DbOrTx) =>
  db.select().from(compromisedTargets).where(and(eq(compromisedTargets.targetId, sql.placeholder('targetId')), isNull(compromisedTargets.restoredAt))).prepare());
/** Read before every attempt of every delivery. */
export const markOf = (db: DbOrTx, targetId: string): MarkRow | undefined => prepared(db, markByTarget).get({ targetId });

/** How a public statement names a target by default: the X handle, the Telegram @chat where the config has them. */
export function channelName(config: Pick<Config, 'org' | 'targets'>, targetId: string): string {
  const target = config.targets[targetId];
  if (!target) return targetId;
  if (target.platform === 'x') return config.org.x_handle ? `our X account ${config.org.x_handle}` : 'our X account';
  if (target.platform === 'telegram') return target.chat.startsWith('@') ? `our Telegram channel ${target.chat}` : 'our Telegram channel';
  return 'our Discord server';
}

/**
 * Why nothing goes to a marked target, in the words the preview, /status and the console all
 * show: "held: x marked compromised since 14:05 UTC (…); nothing goes there until /restored x".
 */
export function heldReason(mark: Pick<MarkRow, 'targetId' | 'platform' | 'since' | 'what'>): string {
  return `held: ${mark.targetId} (${platformName(mark.platform)}) marked compromised since ${utcMinute(mark.since)} UTC (${mark.what}); nothing goes there until /restored ${mark.targetId}`;
}

const ORG_CHANNEL = { x: 'x_handle', discord: 'discord', telegram: 'telegram' } as const;

/**
 * The org's channels as a statement may list them: a platform whose every target is marked
 * compromised is left out, so no statement drafted meanwhile sends people to the hijacked one.
 */
export function trustedOrg<C extends Pick<Config, 'org' | 'targets'>>(config: C, db: DbOrTx): C {
  const marks = activeMarks(db);
  if (!marks.size) return config;
  const org = { ...config.org };
  for (const [platform, field] of Object.entries(ORG_CHANNEL)) {
    const ids = Object.entries(config.targets).filter(([, t]) => t.platform === platform).map(([id]) => id);
    if (ids.length && ids.every((id) => marks.has(id))) delete org[field];
  }
  return { ...config, org };
}
