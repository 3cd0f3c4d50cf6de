import { nearest } from '../../util/nearest';
import { desc, eq, sql } from 'drizzle-orm';
import { hot, prepared } from '../../store/prepared';
import { drafts, receivedCommands } from '../../store/schema';
import { savepoint, writeTx, type DbOrTx, type Tx } from '../../store/db';
import { appendAudit } from '../../audit/append';
import { SEVERITIES, type Severity } from '../../config/schema';
import type { Core } from '../core';
import { HeraldError, invalidInput, notFound } from '../errors';
import { buildView } from '../previews/view';
import { authorize } from './authorize';
import { resolveIdentity, type Identity } from '../people';
import { findTemplate } from '../templates/library';
import { usage } from './define';
import { COMMANDS } from './definitions';
import { findCredential, maskCredentials } from '../credentials';
import { telegramUpdateId } from './event-ids';
import { parseDraftId, parseIncidentId, parseVars, splitArgs, splitCommandText } from './parse';
import type { ArgTypes, ChatEvent, CommandArgs, CommandDef, CommandOutcome } from './types';

/**
 * The one entry point both chat platforms call. Receipt, audit, checks and the command's change
 * happen in one transaction: a replayed event finds its receipt and does nothing, and a refused
 * command leaves nothing behind but the record that it was received and refused.
 */
export function handleEvent(core: Core, event: ChatEvent, started?: (tx: Tx) => void): CommandOutcome {
  // A pasted token is masked before anything is stored, and the command refused without repeating it.
  const credential = findCredential(`${event.raw}\n${argsText(event.args)}`, core.config.secrets);
  const raw = credential ? maskCredentials(event.raw, core.config.secrets) : event.raw;
  return writeTx(core.db, (tx) => {
    if (event.platform === 'telegram') noticeUpdateRestart(core, tx, event.eventId);
    const receipt = prepared(tx, insertReceipt).get({ platform: event.platform, eventId: event.eventId, chatId: event.chatId, userId: event.actor.userId, rawText: raw });
    const who = resolveIdentity(core.config, event.actor);
    const base = { actor: who.key, platform: event.platform, chatId: event.chatId };
    if (!receipt) {
      appendAudit(tx, { type: 'command.replayed', ...base, data: { eventId: event.eventId, raw } });
      return { replies: [], replay: true };
    }
    appendAudit(tx, {
      type: 'command.received',
      ...base,
      data: { eventId: event.eventId, raw, via: event.via, user: event.actor.displayName, userId: event.actor.userId, edited: event.edited ?? false },
    });
    let outcome: CommandOutcome;
    try {
      // A savepoint: whatever the command wrote before it was refused is undone, the receipt stays.
      outcome = savepoint(tx, (inner) => {
        if (credential) {
          throw invalidInput(`That message contains what looks like ${credential}, so herald did not run it and kept no copy of it; if it is real, reset it now: everyone in this chat has seen it.`);
        }
        return run(core, inner, event, who);
      });
    } catch (err) {
      if (!(err instanceof HeraldError)) throw err;
      appendAudit(tx, { type: 'command.refused', ...base, draftId: namedDraft(tx, event), data: { command: event.name, code: err.code, reason: err.message } });
      const replies: CommandOutcome['replies'] = [{ type: 'text', text: err.message, private: true }];
      if (err.showDraft !== undefined) replies.push({ type: 'preview', view: buildView(core, tx, err.showDraft) });
      return { replies };
    }
    // A broadcast's deliveries are claimed in this same commit (`started`: the worker's claims).
    if (outcome.broadcastId !== undefined) started?.(tx);
    return outcome;
  });
}

/** Every argument as text, typed or structured, for the credential check. */
function argsText(args: CommandArgs): string {
  if ('text' in args) return args.text;
  return Object.values(args.fields)
    .flatMap((v) => (typeof v === 'string' ? [v] : v ? Object.values(v) : []))
    .join('\n');
}

/** The draft a refused command named, so the refusal is in that draft's audit trail (`audit export --draft N`). */
function namedDraft(tx: Tx, event: ChatEvent): number | null {
  const def = COMMANDS[event.name.toLowerCase()];
  if (def?.args[0]?.kind !== 'draft') return null;
  const named = 'text' in event.args ? event.args.text.trim() : event.args.fields.draft;
  const m = typeof named === 'string' ? /^#?(\d{1,9})(?!\S)/u.exec(named.trim()) : null;
  if (!m) return null;
  const id = Number(m[1]);
  return tx.select({ id: drafts.id }).from(drafts).where(eq(drafts.id, id)).get() ? id : null;
}

/** Every command's receipt: a second delivery of the same platform event inserts nothing (a replay). */
const insertReceipt = hot((db: DbOrTx) =>
  db
    .insert(receivedCommands)
    .values({ platform: sql.placeholder('platform'), eventId: sql.placeholder('eventId'), chatId: sql.placeholder('chatId'), userId: sql.placeholder('userId'), rawText: sql.placeholder('rawText') })
    .onConflictDoNothing()
    .returning({ id: receivedCommands.id })
    .prepare());
const lastTelegramCommand = hot((db: DbOrTx) =>
  db.select({ eventId: receivedCommands.eventId }).from(receivedCommands).where(eq(receivedCommands.platform, 'telegram')).orderBy(desc(receivedCommands.id)).limit(1).prepare());

/** A Telegram update id lower than the last one received means the bot's ids started over; say so once. */
function noticeUpdateRestart(core: Core, tx: Tx, eventId: string): void {
  const now = telegramUpdateId(eventId);
  const last = prepared(tx, lastTelegramCommand).get();
  const before = last ? telegramUpdateId(last.eventId) : null;
  if (now !== null && before !== null && now < before) core.events.emit('telegramUpdateIdsRestarted', before, now);
}

function run(core: Core, tx: Tx, event: ChatEvent, who: Identity): CommandOutcome {
  const def = COMMANDS[event.name.toLowerCase()];
  if (!def) {
    const near = nearest(event.name, Object.keys(COMMANDS));
    throw invalidInput(`\`/${event.name}\` is not a herald command; ${near ? `did you mean /${near}? ` : ''}/help lists the commands you may use.`);
  }
  authorize(core.config, def, event, who);
  const args = parseArgs(core, def, event.args);
  return def.run({ core, tx, event, who }, args as never);
}

/**
 * Reads the arguments in the order the command's data declares. Typed text is split first by the
 * one text rule; structured input arrives split already, and both are then read the same way.
 */
function parseArgs(core: Core, def: CommandDef, input: CommandArgs): Record<string, unknown> {
  const { fields, rest } = 'text' in input ? splitCommandText(def, input.text) : { fields: input.fields, rest: '' };
  const out: Record<string, unknown> = {};
  const use = usage(def);
  for (const spec of def.args) {
    const given = fields[spec.name];
    const value = typeof given === 'string' ? given.trim() : given;
    if (spec.kind === 'vars') {
      const values = typeof value === 'object' ? checkVars(value, use) : value ? parseVars(splitArgs(value), use) : {};
      if (spec.required && Object.keys(values).length === 0) throw invalidInput(`/${def.name} needs ${spec.description}: ${use}.`);
      out[spec.name] = values;
      continue;
    }
    if (typeof value === 'object') throw invalidInput(`/${def.name} takes one value for ${spec.name}: ${use}.`);
    if (spec.kind === 'text') {
      if (spec.required && !value) throw invalidInput(`/${def.name} needs ${spec.description}: ${use}.`);
      out[spec.name] = value || undefined;
      continue;
    }
    if (!value) {
      if (spec.required) throw invalidInput(`/${def.name} needs a ${spec.description}: ${use}.`);
      continue;
    }
    out[spec.name] = single(core, spec.kind, value, use);
  }
  if (rest) throw invalidInput(`/${def.name} does not take \`${rest}\`: ${use}.`);
  return out;
}

/** Values that came as fields (a form) keep them whole; only their names are checked, as typed ones are. */
function checkVars(values: Record<string, string>, use: string): Record<string, string> {
  return parseVars(
    Object.entries(values).map(([name, value]) => `${name}=${value}`),
    use,
  );
}

function single(core: Core, kind: keyof ArgTypes, token: string, use: string): unknown {
  switch (kind) {
    case 'draft':
      return parseDraftId(token, use);
    case 'incident':
      return parseIncidentId(token, use);
    case 'severity':
      if (!(SEVERITIES as readonly string[]).includes(token)) throw invalidInput(`\`${token}\` is not a severity; use one of ${SEVERITIES.join(', ')}.`);
      return token as Severity;
    case 'template': {
      const t = findTemplate(core.library, token);
      if (!t) {
        const names = [...core.library.templates.keys()];
        const near = nearTemplate(token, names);
        const hint = near ? `did you mean ${near}? ` : '';
        throw notFound(`There is no template \`${token}\`; ${hint}/templates lists them${near ? '' : ` (for example ${names[0] ?? 'sev1/exploit-investigating'})`}.`);
      }
      return t;
    }
    case 'target':
      if (!core.config.targets[token]) throw notFound(`There is no target \`${token}\`; the targets are ${Object.keys(core.config.targets).join(', ')} (${use}).`);
      return token;
    default:
      return token;
  }
}

/** The template a mistyped name most likely meant: the whole name, else the part after the severity (`sev2/holdng`, `holding`). */
function nearTemplate(token: string, names: string[]): string | undefined {
  const whole = nearest(token, names);
  if (whole) return whole;
  const leaf = (n: string) => n.slice(n.indexOf('/') + 1);
  const part = nearest(leaf(token), names.map(leaf));
  return part === undefined ? undefined : names.find((n) => leaf(n) === part);
}
