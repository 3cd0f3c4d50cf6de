import { and, asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../src/store/db';
import { auditEvents } from '../../src/store/schema';

export interface AuditQuery {
  /** Only the events about this draft. */
  draftId?: number;
}

export interface AuditedEvent {
  seq: number;
  type: string;
  actor: string | null;
  platform: string | null;
  chatId: string | null;
  draftId: number | null;
  // Event data differs by type; tests read the fields they care about.
  data: Record<string, any>;
}

/** The audit events of one type (of one draft, if given), oldest first, with their data parsed. */
export function audited(db: Db, type: string, query: AuditQuery = {}): AuditedEvent[] {
  const where = query.draftId === undefined ? eq(auditEvents.type, type) : and(eq(auditEvents.type, type), eq(auditEvents.draftId, query.draftId));
  return db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(asc(auditEvents.seq))
    .all()
    .map(({ seq, type, actor, platform, chatId, draftId, data }) => ({ seq, type, actor, platform, chatId, draftId, data: JSON.parse(data) as Record<string, any> }));
}

/**
 * An assertion on the data of the audit events of one type (of one draft), oldest first:
 * `expectAudit(db, 'command.refused').toHaveLength(2)`.
 */
export function expectAudit(db: Db, type: string, query: AuditQuery = {}) {
  return expect(
    audited(db, type, query).map((e) => e.data),
    `audit events ${type}${query.draftId === undefined ? '' : ` of draft #${query.draftId}`}`,
  );
}
