import { snowflake } from './ids';
import * as E from './api-errors';
import type { RouteDef, RouteRequest } from './rest-server';
import type { EmulatorContext } from './context';
import type { CommandRec } from './guild-state';

/** Chat-input and option names: 1-32 lowercase letters, digits, - and _ (Unicode letters allowed). */
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const OptionType = { Subcommand: 1, SubcommandGroup: 2 } as const;

type Raw = Record<string, any>;

function validateOptions(errors: E.FormErrors, path: Array<string | number>, options: unknown, depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) return E.addFieldError(errors, path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (options.length > 25) E.addFieldError(errors, path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  let seenOptional = false;
  const names = new Set<string>();
  options.forEach((raw: Raw, i) => {
    const at = [...path, i];
    const name = String(raw?.name ?? '');
    if (!NAME.test(name) || name !== name.toLowerCase()) {
      E.addFieldError(errors, [...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    if (names.has(name)) E.addFieldError(errors, [...at, 'name'], 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option names must be unique');
    names.add(name);
    const description = typeof raw?.description === 'string' ? raw.description : '';
    if (description.length < 1 || description.length > 100) {
      E.addFieldError(errors, [...at, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    const type = Number(raw?.type);
    if (!Number.isInteger(type) || type < 1 || type > 11) {
      E.addFieldError(errors, [...at, 'type'], 'BASE_TYPE_CHOICES', `Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).`);
    }
    if (type === OptionType.Subcommand || type === OptionType.SubcommandGroup) {
      if (depth >= (type === OptionType.SubcommandGroup ? 1 : 2)) {
        E.addFieldError(errors, [...at, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
      }
      validateOptions(errors, [...at, 'options'], raw.options, depth + 1);
      return;
    }
    if (raw?.required) {
      if (seenOptional) {
        E.addFieldError(errors, at, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
      }
    } else seenOptional = true;
    const choices = raw?.choices;
    if (Array.isArray(choices)) {
      if (choices.length > 25) E.addFieldError(errors, [...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      if (raw.autocomplete) E.addFieldError(errors, [...at, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete cannot be set with choices');
    }
  });
}

function validateCommand(errors: E.FormErrors, path: Array<string | number>, raw: Raw): void {
  const type = Number(raw?.type ?? 1);
  const name = String(raw?.name ?? '');
  if (type === 1) {
    if (!NAME.test(name) || name !== name.toLowerCase()) {
      E.addFieldError(errors, [...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    const description = typeof raw?.description === 'string' ? raw.description : '';
    if (description.length < 1 || description.length > 100) {
      E.addFieldError(errors, [...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    validateOptions(errors, [...path, 'options'], raw?.options, 0);
  } else if (type === 2 || type === 3) {
    if (name.length < 1 || name.length > 32) E.addFieldError(errors, [...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
    if (raw?.description) E.addFieldError(errors, [...path, 'description'], 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID', 'Context menu commands cannot have description');
  } else {
    E.addFieldError(errors, [...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4).');
  }
}

function normalise(ctx: EmulatorContext, raw: Raw, guildId: string | undefined, previous: CommandRec | undefined): CommandRec {
  const type = Number(raw.type ?? 1);
  return {
    id: previous?.id ?? snowflake(),
    application_id: ctx.world.applicationId,
    version: snowflake(),
    default_member_permissions: raw.default_member_permissions ?? null,
    type,
    name: String(raw.name),
    name_localizations: raw.name_localizations ?? null,
    description: type === 1 ? String(raw.description) : '',
    description_localizations: raw.description_localizations ?? null,
    ...(guildId ? { guild_id: guildId } : { dm_permission: raw.dm_permission ?? true, contexts: raw.contexts ?? null }),
    integration_types: raw.integration_types ?? [0],
    nsfw: raw.nsfw ?? false,
    ...(raw.options ? { options: structuredClone(raw.options) } : {}),
  };
}

/** Application command registration: bulk overwrite (PUT), create (POST), list, get, edit, delete; global and per guild. */
export function commandRoutes(ctx: EmulatorContext): RouteDef[] {
  const { world } = ctx;

  /** Resolves the command list a request addresses, or the error Discord would answer. */
  const scope = (req: RouteRequest): { guildId?: string; list: () => CommandRec[]; set: (l: CommandRec[]) => void } | E.RestResponse => {
    if (req.params.application_id !== world.applicationId) {
      return E.apiError(403, 20012, 'You are not authorized to perform this action on this application');
    }
    const guildId = req.params.guild_id;
    if (guildId === undefined) return { list: () => world.globalCommands, set: (l) => (world.globalCommands = l) };
    if (!world.guilds.has(guildId)) return E.apiError(403, 50001, 'Missing Access');
    return { guildId, list: () => world.guildCommands.get(guildId) ?? [], set: (l) => world.guildCommands.set(guildId, l) };
  };
  const isError = (s: unknown): s is E.RestResponse => typeof (s as E.RestResponse).status === 'number';

  const routesFor = (base: string): RouteDef[] => [
    {
      method: 'GET',
      pattern: base,
      handler: (req) => {
        const s = scope(req);
        return isError(s) ? s : { status: 200, body: structuredClone(s.list()) };
      },
    },
    {
      method: 'PUT',
      pattern: base,
      handler: (req) => {
        const s = scope(req);
        if (isError(s)) return s;
        const body = req.body as unknown;
        if (!Array.isArray(body)) return E.invalidFormBody({ _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] } as E.FormErrors);
        const errors: E.FormErrors = {};
        body.forEach((raw, i) => validateCommand(errors, [i], raw as Raw));
        const keys = body.map((raw) => `${(raw as Raw).type ?? 1}:${(raw as Raw).name}`);
        keys.forEach((k, i) => {
          if (keys.indexOf(k) !== i) E.addFieldError(errors, [i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
        });
        if (body.length > 100) E.addFieldError(errors, [], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
        if (E.hasErrors(errors)) return E.invalidFormBody(errors);
        const previous = s.list();
        // A bulk overwrite keeps the ids of commands it re-registers under the same name and type.
        const next = body.map((raw) => {
          const r = raw as Raw;
          const prior = previous.find((c) => c.name === r.name && c.type === Number(r.type ?? 1));
          return normalise(ctx, r, s.guildId, prior);
        });
        s.set(next);
        return { status: 200, body: structuredClone(next) };
      },
    },
    {
      method: 'POST',
      pattern: base,
      handler: (req) => {
        const s = scope(req);
        if (isError(s)) return s;
        const errors: E.FormErrors = {};
        validateCommand(errors, [], req.body);
        if (E.hasErrors(errors)) return E.invalidFormBody(errors);
        const list = s.list();
        const prior = list.find((c) => c.name === req.body.name && c.type === Number(req.body.type ?? 1));
        const command = normalise(ctx, req.body, s.guildId, prior);
        s.set(prior ? list.map((c) => (c === prior ? command : c)) : [...list, command]);
        return { status: prior ? 200 : 201, body: structuredClone(command) };
      },
    },
    {
      method: 'GET',
      pattern: `${base}/:command_id`,
      handler: (req) => {
        const s = scope(req);
        if (isError(s)) return s;
        const command = s.list().find((c) => c.id === req.params.command_id);
        return command ? { status: 200, body: structuredClone(command) } : E.unknownCommand();
      },
    },
    {
      method: 'PATCH',
      pattern: `${base}/:command_id`,
      handler: (req) => {
        const s = scope(req);
        if (isError(s)) return s;
        const list = s.list();
        const command = list.find((c) => c.id === req.params.command_id);
        if (!command) return E.unknownCommand();
        const merged = { ...command, ...req.body, type: command.type };
        const errors: E.FormErrors = {};
        validateCommand(errors, [], merged);
        if (E.hasErrors(errors)) return E.invalidFormBody(errors);
        const next = normalise(ctx, merged, s.guildId, command);
        s.set(list.map((c) => (c === command ? next : c)));
        return { status: 200, body: structuredClone(next) };
      },
    },
    {
      method: 'DELETE',
      pattern: `${base}/:command_id`,
      handler: (req) => {
        const s = scope(req);
        if (isError(s)) return s;
        const list = s.list();
        if (!list.some((c) => c.id === req.params.command_id)) return E.unknownCommand();
        s.set(list.filter((c) => c.id !== req.params.command_id));
        return { status: 204 };
      },
    },
  ];

  return [...routesFor('/applications/:application_id/commands'), ...routesFor('/applications/:application_id/guilds/:guild_id/commands')];
}
