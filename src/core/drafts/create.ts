import { drafts } from '../../store/schema';
import { invalidInput } from '../errors';
import type { Template } from '../templates/library';
import type { VerbContext } from './context';
import { addRevision, prepare } from './revise';
import { DRAFT_STATUS } from './states';

/** `/draft`: a new draft from a template, rendered for every platform, awaiting approval. */
export function createDraft(v: VerbContext, input: { template: Template; values: Record<string, string> }): number {
  const { template } = input;
  if (template.kind !== 'template' || !template.severity) {
    throw invalidInput(`${template.id} is an FAQ entry, not a statement template; /templates lists the templates.`);
  }
  const prepared = prepare(v, template, input.values);

  const draft = v.tx
    .insert(drafts)
    .values({
      templateId: template.id,
      severity: template.severity,
      author: v.who.key,
      authorName: v.who.name,
      platform: v.actor.platform,
      chatId: v.chatId,
      status: DRAFT_STATUS.awaitingApproval,
    })
    .returning()
    .get();
  addRevision(v, draft, { kind: 'statement', status: DRAFT_STATUS.awaitingApproval, ...prepared, templateHash: template.hash, auditType: 'draft.created' });
  return draft.id;
}
