import { receivedCommands } from '../../store/schema';
import { writeTx, type Tx } from '../../store/db';
import { appendAudit } from '../../audit/append';
import { SEVERITIES, type Severity } from '../../config/schema';
import type { Core } from '../core';
import { HeraldError, invalidInput, notFound } from '../errors';
import { StalePreview } from '../previews/stale';
import { buildView } from '../previews/view';
import { authorize } from './authorize';
import { resolveIdentity, type Identity } from '../people';
import { findTemplate } from '../templates/library';
import { usage } from './define';
import { COMMANDS } from './definitions';
import { parseDraftId, parseVars, splitArgs, splitCommandText } from './parse';
import type { ArgTypes, ChatEvent, CommandArgs, CommandDef, CommandOutcome } from './types';

/**
 * The one entry point both chat platforms call. Receipt, audit, checks and the command's change
 * happen in one transaction: a replayed event finds its receipt and does nothing, and a refused
 * command leaves nothing behind but the record that it was received and refused.
 */
export function handleEvent(core: Core, event: ChatEvent): CommandOutcome {
  return writeTx(core.db, (tx) => {
    const receipt = tx
      .insert(receivedCommands)
      .values({ platform: event.platform, eventId: event.eventId, chatId: event.chatId, userId: event.actor.userId, rawText: event.raw })
      .onConflictDoNothing()
      .returning({ id: receivedCommands.id })
      .get();
    const who = resolveIdentity(core.config, event.actor);
    const base = { actor: who.key, platform: event.platform, chatId: event.chatId };
    if (!receipt) {
      appendAudit(tx, { type: 'command.replayed', ...base, data: { eventId: event.eventId, raw: event.raw } });
      return { replies: [], replay: true };
    }
    appendAudit(tx, {
      type: 'command.received',
      ...base,
      data: { eventId: event.eventId, raw: event.raw, via: event.via, user: event.actor.displayName, userId: event.actor.userId, edited: event.edited ?? false },
    });
    try {
      // A savepoint: whatever the command wrote before it was refused is undone, the receipt stays.
      return tx.transaction((inner) => run(core, inner, event, who));
    } catch (err) {
      if (!(err instanceof HeraldError)) throw err;
      appendAudit(tx, { type: 'command.refused', ...base, data: { command: event.name, code: err.code, reason: err.message } });
      const refusal = { type: 'text' as const, text: err.message, private: true };
      // A press under an out-of-date preview: the presser is shown what is up for approval now.
      if (err instanceof StalePreview) return { replies: [refusal, { type: 'preview', view: buildView(core, tx, err.draftId) }] };
      return { replies: [refusal] };
    }
  });
}

function run(core: Core, tx: Tx, event: ChatEvent, who: Identity): CommandOutcome {
  const def = COMMANDS[event.name.toLowerCase()];
  if (!def) throw invalidInput(`\`/${event.name}\` is not a herald command; /help lists the commands you may use.`);
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
    case 'severity':
      if (!(SEVERITIES as readonly string[]).includes(token)) throw invalidInput(`\`${token}\` is not a severity; use one of ${SEVERITIES.join(', ')}.`);
      return token as Severity;
    case 'template': {
      const t = findTemplate(core.library, token);
      if (!t) {
        const example = [...core.library.templates.keys()][0] ?? 'sev1/exploit-investigating';
        throw notFound(`There is no template \`${token}\`; /templates lists them (for example ${example}).`);
      }
      return t;
    }
    default:
      return token;
  }
}
