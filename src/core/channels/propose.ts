import { and, eq, inArray } from 'drizzle-orm';
import { drafts } from '../../store/schema';
import { conflict, notFound } from '../errors';
import { utcMinute } from '../../util/time';
import type { VerbContext } from '../drafts/context';
import { createDraft } from '../drafts/create';
import { PENDING } from '../drafts/states';
import type { Severity } from '../../config/types';
import { activeMarks, channelName } from './marks';

export const COMPROMISED_TEMPLATE = 'sev1/account-compromised';
export const RESTORED_TEMPLATE = 'sev1/account-restored';

type Change = 'compromised' | 'restored';

function templateFor(v: VerbContext, id: string) {
  const template = v.core.library.templates.get(id);
  if (!template) throw notFound(`There is no ${id} template; ask an operator to restore templates/${id}.hbs.`);
  return template;
}

/** One proposal at a time per target: a second would mark or free it twice. */
function refuseOpenProposal(v: VerbContext, targetId: string): void {
  const open = v.tx
    .select({ id: drafts.id, change: drafts.channelChange })
    .from(drafts)
    .where(and(eq(drafts.channelTarget, targetId), inArray(drafts.status, [...PENDING])))
    .get();
  if (open) throw conflict(`#${open.id} already proposes /${open.change} ${targetId}; approve it, or /cancel #${open.id} and start again.`);
}

function propose(v: VerbContext, targetId: string, change: Change, values: Record<string, string>, reason?: string) {
  refuseOpenProposal(v, targetId);
  const template = templateFor(v, change === 'compromised' ? COMPROMISED_TEMPLATE : RESTORED_TEMPLATE);
  return createDraft(v, { template, values, channel: { targetId, change, ...(reason ? { reason } : {}) } });
}

/**
 * `/compromised <target> "<what happened>"`: drafts the account-compromised statement for every
 * other target, naming the channel. Its approval (a sev1's) marks the target; from then on
 * nothing is sent there. The drafter's own values win over the ones filled in here.
 */
export function proposeCompromised(v: VerbContext, input: { targetId: string; what: string; values: Record<string, string> }) {
  const { targetId } = input;
  const marks = activeMarks(v.tx);
  const mark = marks.get(targetId);
  if (mark) throw conflict(`${targetId} is already marked compromised since ${utcMinute(mark.since)} UTC; when it is ours again, /restored ${targetId}.`);
  const { config } = v.core;
  const severity: Severity = 'sev1';
  const trusted = [...new Set(config.policies[severity].targets.filter((t) => t !== targetId && !marks.has(t)).map((t) => channelName(config, t)))];
  if (config.org.status_page) trusted.push(`our status page ${config.org.status_page}`);
  const defaults: Record<string, string> = {
    compromised_channel: channelName(config, targetId),
    since: `${utcMinute(new Date(v.core.now()))} UTC`,
    ...(trusted.length ? { trusted_channels: trusted.length === 1 ? trusted[0]! : `${trusted.slice(0, -1).join(', ')} and ${trusted[trusted.length - 1]}` } : {}),
  };
  return propose(v, targetId, 'compromised', { ...defaults, ...input.values }, input.what);
}

/**
 * `/restored <target>`: drafts the statement that the channel is ours again, for every target
 * including that one. Its approval (a sev1's) lifts the mark before the statement goes out.
 */
export function proposeRestored(v: VerbContext, input: { targetId: string; values: Record<string, string> }) {
  const { targetId } = input;
  const mark = activeMarks(v.tx).get(targetId);
  if (!mark) throw conflict(`${targetId} is not marked compromised, so there is nothing to restore; /compromised ${targetId} "<what happened>" marks it.`);
  const defaults = { compromised_channel: mark.channel, since: `${utcMinute(mark.since)} UTC`, restored_at: `${utcMinute(new Date(v.core.now()))} UTC` };
  return propose(v, targetId, 'restored', { ...defaults, ...input.values });
}
