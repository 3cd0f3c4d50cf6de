import { drafts } from '../../store/schema';
import { invalidInput } from '../errors';
import { currentIncident, OPENING_SEVERITIES, sharedValues, type IncidentRow } from '../incidents/load';
import { joinIncident, openIncident } from '../incidents/open';
import type { Template } from '../templates/library';
import type { VerbContext } from './context';
import { addRevision, prepare } from './revise';
import { DRAFT_STATUS } from './states';

export interface CreateInput {
  template: Template;
  values: Record<string, string>;
  /** `/hold`: the holding update of this incident. */
  holding?: IncidentRow;
  /** `/compromised` or `/restored`: the target whose mark the approval sets or lifts, and why. */
  channel?: { targetId: string; change: 'compromised' | 'restored'; reason?: string };
}

/**
 * `/draft`: a new draft from a template, rendered for every platform, awaiting approval. A sev1 or
 * sev2 statement belongs to the newest open incident, or opens one (its start is this draft's
 * time: when the team began to communicate), and starts with the incident's shared values; the
 * drafter's own values win.
 */
export function createDraft(v: VerbContext, input: CreateInput): { draftId: number; incidentId: number | null; carried: string[]; opened: boolean } {
  const { template } = input;
  if (template.kind !== 'template' || !template.severity) {
    throw invalidInput(`${template.id} is an FAQ entry, not a statement template; /templates lists the templates.`);
  }
  const incident = input.holding ?? (OPENING_SEVERITIES.has(template.severity) ? currentIncident(v.tx) : undefined);
  const shared = incident ? sharedValues(v.tx, incident.id, template) : {};
  const carried = Object.keys(shared).filter((n) => !input.values[n]);
  const prepared = prepare(v, template, { ...shared, ...input.values });

  const incidentId = incident?.id ?? (OPENING_SEVERITIES.has(template.severity) ? openIncident(v, { title: template.title, severity: template.severity }) : null);
  const draft = v.tx
    .insert(drafts)
    .values({
      templateId: template.id,
      severity: template.severity,
      incidentId,
      holding: !!input.holding,
      channelTarget: input.channel?.targetId ?? null,
      channelChange: input.channel?.change ?? null,
      channelReason: input.channel?.reason ?? null,
      author: v.who.key,
      authorName: v.who.name,
      platform: v.actor.platform,
      chatId: v.chatId,
      status: DRAFT_STATUS.awaitingApproval,
    })
    .returning()
    .get();
  if (incident) joinIncident(v, incident, draft.id, template.severity);
  addRevision(v, draft, { kind: 'statement', status: DRAFT_STATUS.awaitingApproval, ...prepared, templateHash: template.hash, auditType: 'draft.created' });
  return { draftId: draft.id, incidentId, carried, opened: !incident && incidentId !== null };
}
