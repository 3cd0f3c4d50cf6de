import { appendAudit } from '../../audit/append';
import type { Severity } from '../../config/types';
import { breakGlass } from '../../store/schema';
import { conflict, forbidden, invalidInput } from '../errors';
import { auditBase, type VerbContext } from '../drafts/context';
import type { DraftRow, RevisionRow } from '../drafts/load';

const MAX_REASON = 300;

/**
 * Refuses a break-glass approval that the policy does not allow, before anything is written: the
 * severity's policy must name break glass, the approver must be one of its people, the reason
 * must be said, and only a first publication may go out this way.
 */
export function checkBreakGlass(v: VerbContext, draft: DraftRow, rev: RevisionRow, reason: string): void {
  const glass = v.core.config.policies[draft.severity as Severity].break_glass;
  if (!glass) throw forbidden(`The ${draft.severity} policy has no break glass, so #${draft.id} needs its approvals as usual; approve it with /approve #${draft.id}.`);
  if (!glass.people.includes(v.who.key)) {
    throw forbidden(`Only ${glass.people.join(', ')} may break glass on ${draft.severity}; approve with /approve #${draft.id} and wait for the others.`);
  }
  if (rev.kind !== 'statement') throw conflict(`Break glass publishes a statement; the pending ${rev.kind} of #${draft.id} needs its approvals as usual.`);
  const said = reason.trim();
  if (!said) throw invalidInput(`Say why you break glass: /approve #${draft.id} break-glass "<reason>".`);
  if (said.length > MAX_REASON) throw invalidInput(`The reason is ${said.length} characters long; keep it under ${MAX_REASON}.`);
}

/** Records the break-glass use; the runner tells the comms channel and chases the ratification. */
export function recordBreakGlass(v: VerbContext, draft: DraftRow, rev: RevisionRow, reason: string): { ratifyBy: Date } {
  const glass = v.core.config.policies[draft.severity as Severity].break_glass!;
  const now = v.core.now();
  const ratifyBy = new Date(now + glass.ratify_within_minutes * 60_000);
  const row = v.tx
    .insert(breakGlass)
    .values({
      draftId: draft.id,
      revisionId: rev.id,
      incidentId: draft.incidentId,
      usedBy: v.who.key,
      usedByName: v.who.name,
      reason: reason.trim(),
      usedAt: new Date(now).toISOString(),
      ratifyBy: ratifyBy.toISOString(),
    })
    .returning({ id: breakGlass.id })
    .get();
  appendAudit(v.tx, { type: 'break_glass.used', ...auditBase(v, draft.id), data: { breakGlass: row.id, revision: rev.number, contentHash: rev.contentHash, reason: reason.trim(), ratifyBy: ratifyBy.toISOString() } });
  return { ratifyBy };
}
