import { interactionToken, snowflake } from './ids';
import type { EmulatorContext, InteractionRec } from './context';
import type { InteractionSpec, OptionValue } from './types';
import type { CommandRec, GuildRec, ChannelRec } from './guild-state';

/** Interaction types (Discord's values). */
export const InteractionType = { ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
const ComponentType = { ActionRow: 1, Button: 2, StringSelect: 3, TextInput: 4, UserSelect: 5, RoleSelect: 6, MentionableSelect: 7, ChannelSelect: 8, Label: 18 } as const;
const OptionType = { Subcommand: 1, SubcommandGroup: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10, Attachment: 11 } as const;

type Raw = Record<string, any>;

/**
 * Builds INTERACTION_CREATE the way Discord does for a member clicking or typing in a guild channel,
 * refusing what a real client could not send (an unregistered command, an unknown option, a button
 * that is not on the message, a modal the bot never showed).
 */
export function buildInteraction(ctx: EmulatorContext, spec: InteractionSpec): { payload: Record<string, unknown>; rec: InteractionRec } {
  const { world } = ctx;
  const channel = world.channels.get(spec.channelId);
  if (!channel) throw new Error(`sendInteraction: unknown channel ${spec.channelId}`);
  const guild = world.guildOf(channel);
  if (spec.guildId && spec.guildId !== guild.id) throw new Error(`sendInteraction: channel ${channel.id} is not in guild ${spec.guildId}`);
  const member = guild.members.get(spec.userId);
  const user = world.users.get(spec.userId);
  if (!member || !user) throw new Error(`sendInteraction: ${spec.userId} is not a member of guild ${guild.id}`);
  if (user.id === world.bot.id) throw new Error('sendInteraction: the bot cannot interact with itself');

  const id = snowflake();
  const rec: InteractionRec = { id, token: interactionToken(id), type: 0, createdAt: Date.now(), guildId: guild.id, channelId: channel.id, userId: user.id, responses: [] };
  const extra: Record<string, unknown> = {};
  let data: Record<string, unknown>;

  switch (spec.kind) {
    case 'command':
    case 'autocomplete': {
      const command = findCommand(ctx, guild.id, spec.name, 1);
      rec.type = spec.kind === 'command' ? InteractionType.ApplicationCommand : InteractionType.Autocomplete;
      rec.commandType = 1;
      rec.name = command.name;
      const resolved = new Resolved(ctx, guild);
      const focused = spec.kind === 'autocomplete' ? spec.focused : undefined;
      const options = commandOptions(command, spec, resolved, focused);
      data = { id: command.id, name: command.name, type: 1, ...(command.guild_id ? { guild_id: command.guild_id } : {}), ...(options.length ? { options } : {}), ...resolved.out() };
      break;
    }
    case 'messageCommand': {
      const command = findCommand(ctx, guild.id, spec.name, 3);
      const target = world.findMessage(channel.id, spec.targetMessageId);
      if (!target) throw new Error(`sendInteraction: message ${spec.targetMessageId} is not in channel ${channel.id}`);
      rec.type = InteractionType.ApplicationCommand;
      rec.commandType = 3;
      rec.name = command.name;
      data = { id: command.id, name: command.name, type: 3, target_id: target.id, ...(command.guild_id ? { guild_id: command.guild_id } : {}), resolved: { messages: { [target.id]: world.messageObject(target) } } };
      break;
    }
    case 'userCommand': {
      const command = findCommand(ctx, guild.id, spec.name, 2);
      rec.type = InteractionType.ApplicationCommand;
      rec.commandType = 2;
      rec.name = command.name;
      const resolved = new Resolved(ctx, guild);
      resolved.user(spec.targetUserId);
      data = { id: command.id, name: command.name, type: 2, target_id: spec.targetUserId, ...(command.guild_id ? { guild_id: command.guild_id } : {}), ...resolved.out() };
      break;
    }
    case 'button':
    case 'select': {
      const message = world.findMessage(channel.id, spec.messageId);
      if (!message) throw new Error(`sendInteraction: message ${spec.messageId} is not in channel ${channel.id}`);
      if (message.ephemeral && message.interaction_metadata && (message.interaction_metadata.user as Raw | undefined)?.id !== user.id) {
        throw new Error('sendInteraction: an ephemeral message is only visible to the user it answered');
      }
      const component = findComponent(message.components, spec.customId);
      if (!component) throw new Error(`sendInteraction: no component with custom_id "${spec.customId}" on message ${message.id}`);
      if (component.disabled) throw new Error(`sendInteraction: component "${spec.customId}" is disabled`);
      rec.type = InteractionType.MessageComponent;
      rec.sourceMessageId = message.id;
      extra.message = world.messageObject(message);
      if (spec.kind === 'button') {
        if (component.type !== ComponentType.Button || component.style === 5 || component.style === 6) {
          throw new Error(`sendInteraction: "${spec.customId}" is not a clickable button`);
        }
        data = { custom_id: spec.customId, component_type: ComponentType.Button, ...(component.id !== undefined ? { id: component.id } : {}) };
      } else {
        if (![3, 5, 6, 7, 8].includes(component.type)) throw new Error(`sendInteraction: "${spec.customId}" is not a select menu`);
        const resolved = new Resolved(ctx, guild);
        if (component.type === ComponentType.UserSelect) spec.values.forEach((v) => resolved.user(v));
        if (component.type === ComponentType.RoleSelect) spec.values.forEach((v) => resolved.role(v));
        if (component.type === ComponentType.ChannelSelect) spec.values.forEach((v) => resolved.channel(v));
        data = { custom_id: spec.customId, component_type: component.type, values: [...spec.values], ...resolved.out() };
      }
      break;
    }
    case 'modal': {
      const shown = findShownModal(ctx, user.id, spec.customId);
      if (!shown) throw new Error(`sendInteraction: the bot never showed user ${user.id} a modal "${spec.customId}"`);
      rec.type = InteractionType.ModalSubmit;
      const source = shown.rec.sourceMessageId ? world.messageById.get(shown.rec.sourceMessageId) : undefined;
      if (source && !source.deleted) {
        rec.sourceMessageId = source.id;
        extra.message = world.messageObject(source);
      }
      data = { custom_id: spec.customId, components: submitModal(shown.modal, spec.fields) };
      break;
    }
  }

  const permissions = world.permissionsOf(guild, user.id).toString();
  const payload: Record<string, unknown> = {
    app_permissions: world.permissionsOf(guild, world.bot.id).toString(),
    application_id: world.applicationId,
    attachment_size_limit: 10_485_760,
    authorizing_integration_owners: { '0': guild.id },
    channel: interactionChannel(ctx, channel, permissions),
    channel_id: channel.id,
    context: 0,
    data,
    entitlement_sku_ids: [],
    entitlements: [],
    guild: { features: world.guildObject(guild).features, id: guild.id, locale: 'en-US' },
    guild_id: guild.id,
    guild_locale: 'en-US',
    id,
    locale: spec.locale ?? 'en-US',
    member: { ...world.memberObject(guild, member), permissions },
    token: rec.token,
    type: rec.type,
    version: 1,
    ...extra,
  };
  return { payload, rec };
}

function interactionChannel(ctx: EmulatorContext, channel: ChannelRec, permissions: string): Record<string, unknown> {
  return { ...ctx.world.channelObject(channel), permissions };
}

function findCommand(ctx: EmulatorContext, guildId: string, name: string, type: number): CommandRec {
  const candidates = [...(ctx.world.guildCommands.get(guildId) ?? []), ...ctx.world.globalCommands];
  const command = candidates.find((c) => c.name === name && c.type === type);
  if (!command) throw new Error(`sendInteraction: no ${type === 1 ? 'slash' : 'context menu'} command "${name}" is registered for guild ${guildId}`);
  return command;
}

/** Collects the users, members, roles and channels that options refer to, as `data.resolved`. */
class Resolved {
  private readonly users: Raw = {};
  private readonly members: Raw = {};
  private readonly roles: Raw = {};
  private readonly channels: Raw = {};

  constructor(private readonly ctx: EmulatorContext, private readonly guild: GuildRec) {}

  user(id: string): void {
    const user = this.ctx.world.users.get(id);
    if (!user) throw new Error(`sendInteraction: unknown user ${id}`);
    this.users[id] = this.ctx.world.userObject(user);
    const member = this.guild.members.get(id);
    if (member) this.members[id] = { ...this.ctx.world.memberObject(this.guild, member, false), permissions: this.ctx.world.permissionsOf(this.guild, id).toString() };
  }

  role(id: string): void {
    const role = this.guild.roles.find((r) => r.id === id);
    if (!role) throw new Error(`sendInteraction: unknown role ${id}`);
    this.roles[id] = this.ctx.world.roleObject(role);
  }

  channel(id: string): void {
    const channel = this.ctx.world.channels.get(id);
    if (!channel || channel.guildId !== this.guild.id) throw new Error(`sendInteraction: unknown channel ${id}`);
    this.channels[id] = { id, name: channel.name, type: channel.type, guild_id: channel.guildId, flags: 0, parent_id: null, permissions: '0', topic: channel.topic, nsfw: false, last_message_id: channel.lastMessageId, rate_limit_per_user: 0, position: channel.position, permission_overwrites: [] };
  }

  mentionable(id: string): void {
    if (this.ctx.world.users.has(id)) this.user(id);
    else this.role(id);
  }

  out(): { resolved?: Raw } {
    const parts = Object.entries({ users: this.users, members: this.members, roles: this.roles, channels: this.channels }).filter(([, v]) => Object.keys(v).length);
    return parts.length ? { resolved: Object.fromEntries(parts) } : {};
  }
}

type CommandSpec = Extract<InteractionSpec, { kind: 'command' | 'autocomplete' }>;

function commandOptions(command: CommandRec, spec: CommandSpec, resolved: Resolved, focused: string | undefined): Raw[] {
  const top: Raw[] = Array.isArray(command.options) ? (command.options as Raw[]) : [];
  const hasSub = top.some((o) => o.type === OptionType.Subcommand || o.type === OptionType.SubcommandGroup);
  if (!hasSub) {
    if (spec.subcommand || spec.subcommandGroup) throw new Error(`sendInteraction: /${command.name} has no subcommands`);
    return leafOptions(command.name, top, spec.options ?? {}, resolved, focused);
  }
  let level = top;
  const path: Raw[] = [];
  if (spec.subcommandGroup) {
    const group = level.find((o) => o.type === OptionType.SubcommandGroup && o.name === spec.subcommandGroup);
    if (!group) throw new Error(`sendInteraction: /${command.name} has no subcommand group "${spec.subcommandGroup}"`);
    path.push({ name: group.name, type: OptionType.SubcommandGroup, options: [] });
    level = group.options ?? [];
  }
  const sub = level.find((o) => o.type === OptionType.Subcommand && o.name === spec.subcommand);
  if (!sub) throw new Error(`sendInteraction: /${command.name} needs a valid subcommand (got "${spec.subcommand ?? ''}")`);
  const subOut: Raw = { name: sub.name, type: OptionType.Subcommand, options: leafOptions(`${command.name} ${sub.name}`, sub.options ?? [], spec.options ?? {}, resolved, focused) };
  if (path[0]) {
    path[0].options = [subOut];
    return [path[0]];
  }
  return [subOut];
}

function leafOptions(commandName: string, schema: Raw[], values: Record<string, OptionValue>, resolved: Resolved, focused: string | undefined): Raw[] {
  for (const name of Object.keys(values)) {
    if (!schema.some((o) => o.name === name)) throw new Error(`sendInteraction: /${commandName} has no option "${name}"`);
  }
  if (focused !== undefined) {
    const target = schema.find((o) => o.name === focused);
    if (!target?.autocomplete) throw new Error(`sendInteraction: option "${focused}" of /${commandName} does not autocomplete`);
  }
  const out: Raw[] = [];
  for (const option of schema) {
    const value = values[option.name];
    if (option.name === focused) {
      out.push({ name: option.name, type: option.type, value: String(value ?? ''), focused: true });
      continue;
    }
    if (value === undefined) {
      // Discord's client will not send a command with a required option missing (it is still being typed during autocomplete).
      if (option.required && focused === undefined) throw new Error(`sendInteraction: /${commandName} requires option "${option.name}"`);
      continue;
    }
    out.push({ name: option.name, type: option.type, value: coerce(commandName, option, value, resolved) });
  }
  return out;
}

function coerce(commandName: string, option: Raw, value: OptionValue, resolved: Resolved): OptionValue {
  const where = `option "${option.name}" of /${commandName}`;
  let out: OptionValue;
  switch (option.type) {
    case OptionType.String:
      out = String(value);
      if (option.max_length !== undefined && out.length > option.max_length) throw new Error(`sendInteraction: ${where} is longer than ${option.max_length}`);
      if (option.min_length !== undefined && out.length < option.min_length) throw new Error(`sendInteraction: ${where} is shorter than ${option.min_length}`);
      break;
    case OptionType.Integer:
    case OptionType.Number:
      out = Number(value);
      if (!Number.isFinite(out) || (option.type === OptionType.Integer && !Number.isInteger(out))) throw new Error(`sendInteraction: ${where} needs a number`);
      break;
    case OptionType.Boolean:
      out = value === true || value === 'true';
      break;
    case OptionType.User:
      out = String(value);
      resolved.user(out);
      break;
    case OptionType.Channel:
      out = String(value);
      resolved.channel(out);
      break;
    case OptionType.Role:
      out = String(value);
      resolved.role(out);
      break;
    case OptionType.Mentionable:
      out = String(value);
      resolved.mentionable(out);
      break;
    default:
      throw new Error(`sendInteraction: ${where} has a type the emulator cannot fill (${String(option.type)})`);
  }
  if (Array.isArray(option.choices) && !option.choices.some((c: Raw) => c.value === out)) {
    throw new Error(`sendInteraction: ${where} only accepts its choices`);
  }
  return out;
}

export function findComponent(components: unknown, customId: string): Raw | undefined {
  if (!Array.isArray(components)) return undefined;
  for (const c of components as Raw[]) {
    if (c?.custom_id === customId) return c;
    const nested = findComponent(c?.components, customId) ?? (c?.component ? findComponent([c.component], customId) : undefined) ?? (c?.accessory ? findComponent([c.accessory], customId) : undefined);
    if (nested) return nested;
  }
  return undefined;
}

function findShownModal(ctx: EmulatorContext, userId: string, customId: string): { rec: InteractionRec; modal: Raw } | undefined {
  const recs = [...ctx.interactions.values()].reverse();
  for (const rec of recs) {
    if (rec.userId !== userId) continue;
    const shown = rec.responses.find((r) => r.kind === 'callback' && r.type === 9 && (r.data as Raw | undefined)?.custom_id === customId);
    if (shown) return { rec, modal: shown.data as Raw };
  }
  return undefined;
}

/** Mirrors the modal's layout (action rows or labels around text inputs), filling in the values typed. */
function submitModal(modal: Raw, fields: Record<string, string>): Raw[] {
  const known = new Set<string>();
  let nextId = 1;
  const input = (c: Raw): Raw => {
    known.add(c.custom_id);
    const value = fields[c.custom_id] ?? '';
    if (c.required !== false && value === '') throw new Error(`sendInteraction: modal field "${c.custom_id}" is required`);
    if (c.max_length !== undefined && value.length > c.max_length) throw new Error(`sendInteraction: modal field "${c.custom_id}" is longer than ${c.max_length}`);
    return { type: ComponentType.TextInput, id: c.id ?? nextId++, custom_id: c.custom_id, value };
  };
  const out = (Array.isArray(modal.components) ? (modal.components as Raw[]) : []).map((top) => {
    const id = top.id ?? nextId++;
    if (top.type === ComponentType.ActionRow) {
      return { type: ComponentType.ActionRow, id, components: (top.components ?? []).filter((c: Raw) => c.type === ComponentType.TextInput).map(input) };
    }
    if (top.type === ComponentType.Label && top.component?.type === ComponentType.TextInput) {
      return { type: ComponentType.Label, id, component: input(top.component) };
    }
    return { type: top.type, id };
  });
  for (const name of Object.keys(fields)) {
    if (!known.has(name)) throw new Error(`sendInteraction: the modal has no text input "${name}"`);
  }
  return out;
}
