import { desc, eq } from 'drizzle-orm';
import { utcMinute } from '../../util/time';
import { breakGlass, broadcasts, deliveries, drafts } from '../../store/schema';
import type { Role } from '../../config/schema';
import { approveDraft } from '../drafts/approve';
import { cancelDraft } from '../drafts/cancel';
import { correctDraft } from '../drafts/correct';
import { createDraft } from '../drafts/create';
import { editDraft } from '../drafts/edit';
import { rejectDraft } from '../drafts/reject';
import { retractDraft } from '../drafts/retract';
import { describeStatus } from '../drafts/states';
import { DELIVERY_ICON, deliveryLine } from '../previews/view';
import { publicationViews } from '../publications/view';
import { buildView } from '../previews/view';
import type { VerbContext } from '../drafts/context';
import { conflict, invalidInput, notFound } from '../errors';
import { promiseText } from '../promises/format';
import { renderTemplate } from '../statement/render';
import { retryFailed } from '../broadcast/retry';
import { UNDER_WAY } from '../broadcast/start';
import { arg, defineCommand, usage } from './define';
import { latestInfo } from '../read/latest';
import { untrustedChannels } from '../read/compromised';
import { onlyOpenDraft, openDrafts, usingOnlyOpen } from '../read/open-drafts';
import type { CommandDef, HandlerContext } from './types';
import { getIncident, openIncidents, INCIDENT_STATUS } from '../incidents/load';
import { openIncident } from '../incidents/open';
import { closeIncident } from '../incidents/close';
import { openIncidentsText, timelineText } from '../read/incident-text';
import { promises } from '../../store/schema';
import { and, isNull } from 'drizzle-orm';
import { parseIncidentId, parseVars, splitArgs } from './parse';
import { proposeCompromised, proposeRestored } from '../channels/propose';
import { trustedOrg } from '../channels/marks';

const DRAFTING: Role[] = ['drafter'];
const REVIEWING: Role[] = ['drafter', 'approver'];

const verb = (ctx: HandlerContext): VerbContext => ({ core: ctx.core, tx: ctx.tx, who: ctx.who, actor: ctx.event.actor, chatId: ctx.event.chatId });
const preview = (ctx: HandlerContext, draftId: number) => ({ type: 'preview' as const, view: buildView(ctx.core, ctx.tx, draftId) });

/**
 * Under the preview of a follow-up: the incident it joined and the values carried over from it.
 * (A statement that opens an incident says nothing more: the preview is the answer, and the last
 * message the drafter reads.)
 */
function incidentNote(ctx: HandlerContext, made: { draftId: number; incidentId: number | null; carried: string[]; opened: boolean }) {
  if (made.incidentId === null || made.opened) return [];
  const incident = getIncident(ctx.tx, made.incidentId);
  const carried = made.carried.length ? ` Carried over from it: ${made.carried.join(', ')} (give name=value to change).` : '';
  return [{ type: 'text' as const, text: `#${made.draftId} is part of incident ${incident.id} (${incident.title}).${carried}` }];
}

const templates = defineCommand({
  name: 'templates',
  summary: 'list templates with their variables',
  roles: REVIEWING,
  commsOnly: true,
  args: [arg('severity', 'severity', false, 'only this severity (sev1 … sev4)')],
  run(ctx, { severity }) {
    const list = [...ctx.core.library.templates.values()].filter((t) => !severity || t.severity === severity);
    const lines = list.map((t) => {
      const vars = Object.entries(t.variables).map(([n, s]) => (s.required ? n : `[${n}]`));
      return `${t.id} — ${t.title}${vars.length ? `\n    ${vars.join(' ')}` : ''}`;
    });
    return { replies: [{ type: 'text', text: lines.length ? `Templates (optional variables in brackets):\n${lines.join('\n')}` : `No ${severity ?? ''} templates are loaded.` }] };
  },
});

const draft = defineCommand({
  name: 'draft',
  summary: 'start a statement from a template; answers with the preview',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('template', 'template', true, 'template, like sev1/exploit-investigating'), arg('values', 'vars', false, 'variables as name=value')],
  run(ctx, { template, values }) {
    const made = createDraft(verb(ctx), { template, values: values ?? {} });
    return { replies: [preview(ctx, made.draftId), ...incidentNote(ctx, made)] };
  },
});

const show = defineCommand({
  name: 'show',
  summary: 'the current preview and approval state',
  roles: REVIEWING,
  commsOnly: true,
  args: [arg('draft', 'draft', false, 'draft id, like #12 (without one: the only open draft)')],
  run(ctx, { draft }) {
    if (draft !== undefined) return { replies: [preview(ctx, draft)] };
    const only = onlyOpenDraft(ctx.tx, 'show');
    return { replies: [{ type: 'text', text: usingOnlyOpen(only) }, preview(ctx, only)] };
  },
});

const edit = defineCommand({
  name: 'edit',
  summary: 'change variables; approvals start over',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('draft', 'draft', true, 'draft id, like #12'), arg('values', 'vars', true, 'variables to change, as name=value')],
  run(ctx, { draft, values }) {
    const number = editDraft(verb(ctx), { draftId: draft, values });
    return { replies: [{ type: 'text', text: `Revision ${number} of #${draft}; earlier approvals no longer count.` }, preview(ctx, draft)], changedDrafts: [draft] };
  },
});

/** `r3` or a short content hash (the preview prints 8 hex digits; 6 or more are accepted). */
function namedRevision(text: string): { number: number } | { hash: string } {
  const number = /^r(\d{1,6})$/iu.exec(text);
  if (number) return { number: Number(number[1]) };
  if (/^[0-9a-f]{6,64}$/iu.test(text)) return { hash: text.toLowerCase() };
  throw invalidInput(`\`${text}\` is not a revision; name the one you read as r3, or by the short hash its preview prints (like 1a2b3c4d), as in /approve #12 r3.`);
}

/** `break-glass "<reason>"` after the draft id; undefined when the words name a revision instead. */
function breakGlassReason(text: string): string | undefined {
  const words = splitArgs(text);
  if (words[0]?.toLowerCase() !== 'break-glass') return undefined;
  return words.slice(1).join(' ');
}

const approve = defineCommand({
  name: 'approve',
  summary: 'approve the draft; the broadcast starts once enough approvers have',
  roles: ['approver'],
  commsOnly: true,
  args: [
    arg('draft', 'draft', false, 'draft id, like #12 (without one: the only open draft)'),
    arg('revision', 'text', false, 'the revision you read (r3, or the short hash its preview prints), or break-glass "<reason>"'),
  ],
  run(ctx, { draft: given, revision }) {
    const { event } = ctx;
    // Without an id, the only open draft; the approval is still bound to what this chat was shown of it.
    const draft = given ?? onlyOpenDraft(ctx.tx, 'approve');
    const using = given === undefined ? `${usingOnlyOpen(draft)} ` : '';
    const glass = revision !== undefined ? breakGlassReason(revision) : undefined;
    const r = approveDraft(verb(ctx), {
      draftId: draft,
      typed: event.via === 'command',
      ...(event.revision !== undefined ? { revision: event.revision } : {}),
      ...(revision !== undefined && glass === undefined ? { named: namedRevision(revision) } : {}),
      ...(glass !== undefined ? { breakGlass: { reason: glass } } : {}),
    });
    const text = r.ratified
      ? `${ctx.who.name} ratified #${draft}, published by break glass.`
      : r.breakGlass
        ? `${ctx.who.name} broke glass on #${draft} (${r.have} of ${r.need} approvals). Broadcasting now; a second approver must ratify it with /approve #${draft} by ${promiseText(r.breakGlass.ratifyBy, new Date(ctx.core.now()))}.`
        : r.broadcastId
          ? `${ctx.who.name} approved #${draft} (${r.have} of ${r.need}). ${UNDER_WAY[r.kind ?? 'publish']}.`
          : `${ctx.who.name} approved #${draft} (${r.have} of ${r.need}); it needs ${r.need - r.have} more.`;
    return { replies: [{ type: 'text', text: using + text }], changedDrafts: [draft], ...(r.broadcastId ? { broadcastId: r.broadcastId } : {}) };
  },
});

const reject = defineCommand({
  name: 'reject',
  summary: 'close the draft with a reason',
  roles: ['approver'],
  commsOnly: true,
  args: [arg('draft', 'draft', true, 'draft id, like #12'), arg('reason', 'text', true, 'why it is rejected')],
  run(ctx, { draft, reason }) {
    rejectDraft(verb(ctx), { draftId: draft, reason });
    return { replies: [{ type: 'text', text: `${ctx.who.name} rejected #${draft}: ${reason}` }], changedDrafts: [draft] };
  },
});

const cancel = defineCommand({
  name: 'cancel',
  summary: 'withdraw your unapproved draft',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('draft', 'draft', true, 'draft id, like #12')],
  run(ctx, { draft }) {
    cancelDraft(verb(ctx), { draftId: draft });
    return { replies: [{ type: 'text', text: `#${draft} cancelled.` }], changedDrafts: [draft] };
  },
});

const status = defineCommand({
  name: 'status',
  summary: 'deliveries per target; without a draft, open drafts and recent broadcasts',
  roles: REVIEWING,
  commsOnly: true,
  args: [arg('draft', 'draft', false, 'draft id, like #12')],
  run(ctx, { draft }) {
    if (draft !== undefined) return { replies: [preview(ctx, draft)] };
    const open = openDrafts(ctx.tx);
    const recent = ctx.tx.select().from(broadcasts).orderBy(desc(broadcasts.id)).limit(5).all();
    const lines = ['Open drafts:', ...(open.length ? open.map((d) => `#${d.id} ${d.templateId} — ${describeStatus(d.status)}, by ${d.authorName}`) : ['none'])];
    lines.push('', 'Recent broadcasts:');
    if (!recent.length) lines.push('none');
    for (const b of recent) {
      const rows = ctx.tx.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.broadcastId, b.id)).all();
      const held = rows.filter((d) => d.status === 'held').length;
      const counts = [...(['sent', 'pending', 'failed'] as const).map((s) => `${DELIVERY_ICON[s]} ${rows.filter((d) => d.status === s).length} ${s}`), ...(held ? [`${DELIVERY_ICON.held} ${held} held`] : [])].join(', ');
      const d = ctx.tx.select({ templateId: drafts.templateId }).from(drafts).where(eq(drafts.id, b.draftId)).get();
      const glass = ctx.tx.select().from(breakGlass).where(and(eq(breakGlass.draftId, b.draftId), eq(breakGlass.revisionId, b.revisionId))).get();
      const mark = b.kind === 'publish' && glass ? ` · 🔓 break glass by ${glass.usedByName}, ${glass.ratifiedBy ? `ratified by ${glass.ratifiedBy}` : `not ratified (due ${promiseText(new Date(glass.ratifyBy), new Date(ctx.core.now()))})`}` : '';
      lines.push(`#${b.draftId} ${d?.templateId ?? ''} (${b.kind}) ${utcMinute(b.createdAt)} UTC — ${counts}${mark}`);
    }
    const site = publicationViews(ctx.core.config, ctx.tx);
    if (site.length) lines.push('', 'Status site:', ...site.map((v) => `${deliveryLine(v).icon} ${v.targetId} — ${deliveryLine(v).detail}`));
    return { replies: [{ type: 'text', text: lines.join('\n') }] };
  },
});

const retry = defineCommand({
  name: 'retry',
  summary: 'send failed deliveries again, once the cause is fixed',
  roles: REVIEWING,
  commsOnly: true,
  args: [arg('draft', 'draft', true, 'draft id, like #12')],
  run(ctx, { draft }) {
    const r = retryFailed(verb(ctx), { draftId: draft });
    return {
      replies: [{ type: 'text', text: `Retrying #${draft} on ${r.targets.join(', ')}.` }],
      changedDrafts: [draft],
      broadcastId: r.broadcastId,
    };
  },
});

const correct = defineCommand({
  name: 'correct',
  summary: 'correct a published statement (edits posts in place; replies on X)',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('draft', 'draft', true, 'draft id, like #12'), arg('values', 'vars', true, 'corrected variables, as name=value')],
  run(ctx, { draft, values }) {
    correctDraft(verb(ctx), { draftId: draft, values });
    return { replies: [preview(ctx, draft)], changedDrafts: [draft] };
  },
});

const retract = defineCommand({
  name: 'retract',
  summary: 'once approved, delete the posts everywhere',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('draft', 'draft', true, 'draft id, like #12'), arg('reason', 'text', true, 'why it is retracted')],
  run(ctx, { draft, reason }) {
    retractDraft(verb(ctx), { draftId: draft, reason });
    return { replies: [preview(ctx, draft)], changedDrafts: [draft] };
  },
});

const faq = defineCommand({
  name: 'faq',
  summary: 'answer with a canned FAQ reply; without a topic, list topics',
  roles: [],
  commsOnly: false,
  args: [arg('topic', 'topic', false, 'FAQ topic, like funds-safe')],
  run(ctx, { topic }) {
    const topics = [...ctx.core.library.faq.values()];
    if (!topic) return { replies: [{ type: 'text', text: `FAQ topics: ${topics.map((t) => t.name).join(', ')}. Use /faq <topic>.`, private: !ctx.who.roles.has('moderator') }] };
    const entry = ctx.core.library.faq.get(`faq/${topic}`);
    if (!entry) throw notFound(`There is no FAQ topic \`${topic}\`; the topics are ${topics.map((t) => t.name).join(', ')}.`);
    const rendered = renderTemplate(entry, {}, trustedOrg(ctx.core.config, ctx.tx), { latest: latestInfo(ctx.core, ctx.tx, ctx.event.platform, entry), compromised: untrustedChannels(ctx.tx) });
    return { replies: [{ type: 'faq', topic, rendered, private: !ctx.who.roles.has('moderator') }] };
  },
});

const incident = defineCommand({
  name: 'incident',
  summary: 'open incidents; one incident\'s timeline; open <title> or close <id>',
  roles: REVIEWING,
  commsOnly: true,
  args: [arg('what', 'text', false, 'an incident id, open <title>, or close <id>')],
  run(ctx, { what }) {
    const now = new Date(ctx.core.now());
    const words = what ? splitArgs(what) : [];
    const [first, ...rest] = words;
    if (first === undefined) {
      const promiseOf = (id: number) => ctx.tx.select().from(promises).where(and(eq(promises.incidentId, id), isNull(promises.outcome))).orderBy(desc(promises.id)).get();
      return { replies: [{ type: 'text', text: openIncidentsText(openIncidents(ctx.tx), promiseOf, now) }] };
    }
    if (first === 'open') {
      const id = openIncident(verb(ctx), { title: rest.join(' ') });
      return { replies: [{ type: 'text', text: `Incident ${id} is open: ${rest.join(' ')}. The next sev1 or sev2 /draft belongs to it.` }] };
    }
    if (first === 'close') {
      const id = parseIncidentId(rest[0], '/incident close <id>');
      closeIncident(verb(ctx), { incidentId: id, reason: rest.slice(1).join(' ') || undefined });
      return { replies: [{ type: 'text', text: `Incident ${id} is closed; its open promises no longer stand.` }] };
    }
    if (rest.length) throw invalidInput(`/incident takes an incident id, open <title> or close <id>, not \`${what}\`.`);
    return { replies: [{ type: 'text', text: timelineText(ctx.tx, parseIncidentId(first, '/incident <id>'), now) }] };
  },
});

const hold = defineCommand({
  name: 'hold',
  summary: 'draft the vetted holding update of an incident whose promise is due',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('incident', 'incident', true, 'incident id, like 3'), arg('values', 'vars', true, 'next_update=… (and any value to change)')],
  run(ctx, { incident: id, values }) {
    const incident = getIncident(ctx.tx, id);
    if (incident.status !== INCIDENT_STATUS.open) throw conflict(`Incident ${id} is closed, so nothing is promised; /incident lists the open ones.`);
    if (!incident.severity) throw conflict(`Incident ${id} has no statement yet to hold for; /draft its first statement instead.`);
    const template = ctx.core.library.templates.get(`${incident.severity}/holding`);
    if (!template) throw notFound(`There is no ${incident.severity}/holding template; ask an operator to add it (templates/${incident.severity}/holding.hbs).`);
    const made = createDraft(verb(ctx), { template, values, holding: incident });
    return { replies: [preview(ctx, made.draftId), ...incidentNote(ctx, made)] };
  },
});

/** `"<what happened>" [name=value ...]`: the words before the first name=value are what happened. */
function whatAndValues(text: string, use: string): { what: string; values: Record<string, string> } {
  const words = splitArgs(text);
  const first = words.findIndex((w) => /^[a-z][a-z0-9_]*=/u.test(w));
  const what = (first < 0 ? words : words.slice(0, first)).join(' ').trim();
  return { what, values: first < 0 ? {} : parseVars(words.slice(first), use) };
}

const compromised = defineCommand({
  name: 'compromised',
  summary: 'mark one of our channels as no longer ours (approved like a sev1) and say so everywhere else',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('target', 'target', true, 'target, like x (the channel that is no longer ours)'), arg('what', 'text', true, 'what happened, in quotes (then any name=value)')],
  run(ctx, { target, what: text }) {
    const use = `/compromised ${target} "<what happened>"`;
    const { what, values } = whatAndValues(text, use);
    if (!what) throw invalidInput(`Say what happened, in quotes, before any name=value: ${use}.`);
    const made = proposeCompromised(verb(ctx), { targetId: target, what, values });
    return { replies: [preview(ctx, made.draftId), ...incidentNote(ctx, made)] };
  },
});

const restored = defineCommand({
  name: 'restored',
  summary: 'a compromised channel is ours again (approved like a sev1); say so everywhere',
  roles: DRAFTING,
  commsOnly: true,
  args: [arg('target', 'target', true, 'target, like x (the channel that is ours again)'), arg('values', 'vars', false, 'variables as name=value')],
  run(ctx, { target, values }) {
    const made = proposeRestored(verb(ctx), { targetId: target, values: values ?? {} });
    return { replies: [preview(ctx, made.draftId), ...incidentNote(ctx, made)] };
  },
});

const whoami = defineCommand({
  name: 'whoami',
  summary: 'the roles herald gives you',
  roles: [],
  commsOnly: true,
  args: [],
  run(ctx) {
    const roles = [...ctx.who.roles];
    const { platform, userId } = ctx.event.actor;
    return {
      replies: [{ type: 'text', text: `You are ${ctx.who.name}${ctx.who.name.toLowerCase() === `${platform} user ${userId}` ? '' : ` (${platform} user ${userId})`}; roles: ${roles.length ? roles.join(', ') : 'none'}.` }],
    };
  },
});

const help: CommandDef = defineCommand({
  name: 'help',
  summary: 'the commands you may use',
  roles: [],
  commsOnly: false,
  args: [],
  run(ctx) {
    const mine = Object.values(COMMANDS).filter((c) => c.roles.length === 0 || c.roles.some((r) => ctx.who.roles.has(r)));
    const lines = mine.map((c) => `${usage(c)} — ${c.summary}`);
    return { replies: [{ type: 'text', text: `Commands you may use:\n${lines.join('\n')}\nValues with spaces go in quotes: name="Pool A and Pool B".` }] };
  },
});

export const COMMANDS: Record<string, CommandDef> = Object.fromEntries(
  [templates, draft, show, edit, approve, reject, cancel, status, retry, correct, retract, incident, hold, compromised, restored, faq, whoami, help].map((c) => [c.name, c as unknown as CommandDef]),
);

