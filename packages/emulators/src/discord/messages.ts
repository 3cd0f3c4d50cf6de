import { discordTimestamp, snowflake } from './ids';
import { addFieldError, emptyMessage, hasErrors, invalidFormBody, type FormErrors, type RestResponse } from './api-errors';
import { Perm, type ChannelRec, type GuildRec, type MessageRec, type GuildState } from './guild-state';
import { Intents, type EmulatorContext } from './context';

export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
  contentType: string;
}

export type Body = Record<string, unknown>;

const MessageFlag = { Crossposted: 1, SuppressEmbeds: 4, Ephemeral: 64, Loading: 128, SuppressNotifications: 4096, ComponentsV2: 32768 };
/** Flags a sender may set on create; everything else is Discord's to set. */
const CREATE_FLAGS = MessageFlag.SuppressEmbeds | MessageFlag.SuppressNotifications | MessageFlag.ComponentsV2;

/** Discord measures content in code points, so an emoji outside the BMP counts once. */
const codePoints = (s: string) => [...s].length;

const maxLength = (errors: FormErrors, path: Array<string | number>, value: unknown, max: number) => {
  if (typeof value === 'string' && codePoints(value) > max) {
    addFieldError(errors, path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
};

function validateEmbeds(errors: FormErrors, embeds: unknown): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) {
    addFieldError(errors, ['embeds'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return;
  }
  if (embeds.length > 10) addFieldError(errors, ['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  const count = (v: unknown) => (typeof v === 'string' ? codePoints(v) : 0);
  embeds.forEach((raw, i) => {
    const e = (raw ?? {}) as Record<string, any>;
    maxLength(errors, ['embeds', i, 'title'], e.title, 256);
    maxLength(errors, ['embeds', i, 'description'], e.description, 4096);
    maxLength(errors, ['embeds', i, 'footer', 'text'], e.footer?.text, 2048);
    maxLength(errors, ['embeds', i, 'author', 'name'], e.author?.name, 256);
    const fields: any[] = Array.isArray(e.fields) ? e.fields : [];
    if (fields.length > 25) addFieldError(errors, ['embeds', i, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    fields.forEach((f, j) => {
      maxLength(errors, ['embeds', i, 'fields', j, 'name'], f?.name, 256);
      maxLength(errors, ['embeds', i, 'fields', j, 'value'], f?.value, 1024);
      total += count(f?.name) + count(f?.value);
    });
    total += count(e.title) + count(e.description) + count(e.footer?.text) + count(e.author?.name);
  });
  if (total > 6000) addFieldError(errors, ['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

function validateAllowedMentions(errors: FormErrors, am: unknown): void {
  if (am === undefined || am === null) return;
  const a = am as Record<string, unknown>;
  const parse = Array.isArray(a.parse) ? (a.parse as unknown[]) : [];
  parse.forEach((p, i) => {
    if (p !== 'users' && p !== 'roles' && p !== 'everyone') {
      addFieldError(errors, ['allowed_mentions', 'parse', i], 'ENUM_TYPE_COERCE', `Value "${String(p)}" is not a valid enum value.`);
    }
  });
  for (const kind of ['users', 'roles'] as const) {
    const list = a[kind];
    // Only a non-empty list conflicts with parse; [] and null are accepted, as Discord documents.
    if (parse.includes(kind) && Array.isArray(list) && list.length > 0) {
      addFieldError(errors, ['allowed_mentions'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
    }
    if (Array.isArray(list) && list.length > 100) {
      addFieldError(errors, ['allowed_mentions', kind], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    }
  }
}

function hasPayload(body: Body, files: UploadedFile[], existingAttachments = 0): boolean {
  const content = typeof body.content === 'string' ? body.content : '';
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    content.trim().length > 0 ||
    nonEmpty(body.embeds) ||
    nonEmpty(body.components) ||
    nonEmpty(body.sticker_ids) ||
    body.poll != null ||
    files.length > 0 ||
    existingAttachments > 0
  );
}

/** Checks a create/edit body the way Discord does; returns the error answer, or undefined when valid. */
export function validateMessageBody(body: Body, files: UploadedFile[], mode: 'create' | 'edit'): RestResponse | undefined {
  const errors: FormErrors = {};
  if (body.content !== undefined && body.content !== null && typeof body.content !== 'string') {
    addFieldError(errors, ['content'], 'BASE_TYPE_STRING', 'Must be a string.');
  }
  maxLength(errors, ['content'], body.content, 2000);
  if (mode === 'create' && body.nonce !== undefined && body.nonce !== null) {
    const n = body.nonce;
    if (typeof n === 'string') maxLength(errors, ['nonce'], n, 25);
    else if (typeof n !== 'number' || !Number.isInteger(n)) addFieldError(errors, ['nonce'], 'BASE_TYPE_BAD_TYPE', 'Must be a valid integer or string.');
  }
  validateEmbeds(errors, body.embeds);
  validateAllowedMentions(errors, body.allowed_mentions);
  if (Array.isArray(body.components) && !((Number(body.flags ?? 0) & MessageFlag.ComponentsV2) !== 0) && body.components.length > 5) {
    addFieldError(errors, ['components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  }
  if (hasErrors(errors)) return invalidFormBody(errors);
  if (mode === 'create' && !hasPayload(body, files)) return emptyMessage();
  return undefined;
}

interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

/**
 * Who a message pings. Without allowed_mentions everything in the content is parsed; with it,
 * only what it permits. @everyone/@here and role pings also need the author's Mention Everyone
 * permission (or a mentionable role), as on Discord.
 */
export function computeMentions(world: GuildState, guild: GuildRec, authorId: string, content: string, allowed: unknown, repliedTo?: MessageRec) {
  const am = (allowed ?? undefined) as AllowedMentions | undefined;
  const parse = am?.parse ?? [];
  const canEveryone = (world.permissionsOf(guild, authorId) & Perm.MentionEveryone) !== 0n;
  const userAllowed = (id: string) => !am || parse.includes('users') || (am.users ?? []).includes(id);
  const roleAllowed = (id: string) => !am || parse.includes('roles') || (am.roles ?? []).includes(id);

  const mentions: Array<Record<string, unknown>> = [];
  const addUser = (id: string) => {
    const member = guild.members.get(id);
    const user = world.users.get(id);
    if (!member || !user || mentions.some((m) => m.id === id)) return;
    mentions.push({ ...world.userObject(user), member: world.memberObject(guild, member, false) });
  };
  for (const match of content.matchAll(/<@!?(\d{17,20})>/g)) {
    if (match[1] && userAllowed(match[1])) addUser(match[1]);
  }
  if (repliedTo && repliedTo.authorId !== authorId && (!am || am.replied_user === true)) addUser(repliedTo.authorId);

  const mention_roles: string[] = [];
  for (const match of content.matchAll(/<@&(\d{17,20})>/g)) {
    const role = guild.roles.find((r) => r.id === match[1]);
    if (role && roleAllowed(role.id) && (role.mentionable || canEveryone) && !mention_roles.includes(role.id)) {
      mention_roles.push(role.id);
    }
  }
  const everyoneAllowed = !am || parse.includes('everyone');
  const mention_everyone = everyoneAllowed && canEveryone && /@(everyone|here)\b/.test(content);
  return { mentions, mention_roles, mention_everyone };
}

function attachmentsFrom(channelId: string, files: UploadedFile[], declared: unknown): unknown[] {
  const meta = Array.isArray(declared) ? (declared as Array<Record<string, unknown>>) : [];
  return files.map((f, i) => {
    const id = snowflake();
    const description = meta.find((a) => String(a.id) === String(i))?.description;
    const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(f.filename)}`;
    return {
      id,
      filename: f.filename,
      ...(typeof description === 'string' ? { description } : {}),
      size: f.size,
      url,
      proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'),
      content_type: f.contentType,
    };
  });
}

const withRichType = (embeds: unknown) =>
  Array.isArray(embeds) ? embeds.map((e) => ({ type: 'rich', ...(structuredClone(e) as object) })) : [];

export interface CreateContext {
  authorId: string;
  /** For interaction responses: who answered which interaction. */
  interaction?: { id: string; type: number; userId: string; name?: string; commandType?: number };
  /** Overrides the computed message type. */
  type?: number;
  extraFlags?: number;
}

/** Finds the earlier message a `nonce` + `enforce_nonce` request duplicates, if any. */
export function findByNonce(ctx: EmulatorContext, channelId: string, authorId: string, nonce: unknown, now: number): MessageRec | undefined {
  if (nonce === undefined || nonce === null) return undefined;
  const list = ctx.world.messages.get(channelId) ?? [];
  for (let i = list.length - 1; i >= 0; i -= 1) {
    const m = list[i];
    if (!m || now - m.createdAt > ctx.opts.nonceWindowMs) break;
    if (!m.deleted && m.authorId === authorId && m.nonce !== undefined && String(m.nonce) === String(nonce)) return m;
  }
  return undefined;
}

export function buildMessage(ctx: EmulatorContext, channel: ChannelRec, body: Body, files: UploadedFile[], create: CreateContext, repliedTo?: MessageRec): MessageRec {
  const world = ctx.world;
  const guild = world.guildOf(channel);
  const author = world.users.get(create.authorId);
  if (!author) throw new Error(`unknown author ${create.authorId}`);
  const now = Date.now();
  const content = typeof body.content === 'string' ? body.content : '';
  const flags = (Number(body.flags ?? 0) & CREATE_FLAGS) | (create.extraFlags ?? 0);
  const inter = create.interaction;
  const m: MessageRec = {
    id: snowflake(now),
    channel_id: channel.id,
    guild_id: guild.id,
    author: world.userObject(author),
    content,
    timestamp: discordTimestamp(now),
    edited_timestamp: null,
    tts: body.tts === true,
    ...computeMentions(world, guild, author.id, content, body.allowed_mentions, repliedTo),
    attachments: attachmentsFrom(channel.id, files, body.attachments),
    embeds: withRichType(body.embeds),
    components: Array.isArray(body.components) ? structuredClone(body.components) : [],
    ...(body.nonce !== undefined && body.nonce !== null ? { nonce: body.nonce as string | number } : {}),
    pinned: false,
    type: create.type ?? (repliedTo ? 19 : 0),
    flags,
    ...(repliedTo
      ? { message_reference: { type: 0, channel_id: repliedTo.channel_id, message_id: repliedTo.id, guild_id: guild.id } }
      : {}),
    ...(inter
      ? {
          webhook_id: world.applicationId,
          application_id: world.applicationId,
          interaction_metadata: {
            id: inter.id,
            type: inter.type,
            user: world.userObject(world.users.get(inter.userId) ?? author),
            authorizing_integration_owners: { '0': guild.id },
            ...(inter.name ? { name: inter.name, command_type: inter.commandType ?? 1 } : {}),
          },
        }
      : {}),
    allowed_mentions: body.allowed_mentions === undefined ? undefined : structuredClone(body.allowed_mentions),
    deleted: false,
    crossposted: false,
    ephemeral: (flags & MessageFlag.Ephemeral) !== 0,
    ...(inter ? { interaction_id: inter.id } : {}),
    createdAt: now,
    authorId: author.id,
  };
  if (repliedTo) (m as unknown as Record<string, unknown>).referenced_message = world.messageObject(repliedTo);
  return m;
}

function gatewayMessage(ctx: EmulatorContext, m: MessageRec, withNonce: boolean): Record<string, unknown> {
  const guild = ctx.world.guilds.get(m.guild_id);
  const member = guild?.members.get(m.authorId);
  return {
    ...ctx.world.messageObject(m, withNonce),
    guild_id: m.guild_id,
    ...(member && guild && !m.webhook_id ? { member: ctx.world.memberObject(guild, member, false) } : {}),
  };
}

/** Stores a new message, tells live views, and dispatches MESSAGE_CREATE (ephemeral ones stay private). */
export function commitMessage(ctx: EmulatorContext, m: MessageRec): void {
  ctx.world.storeMessage(m);
  ctx.emit('message', ctx.world.snapshot(m));
  if (!m.ephemeral) ctx.dispatch('MESSAGE_CREATE', gatewayMessage(ctx, m, true), Intents.GuildMessages);
}

/** Applies an edit body to a message (content, embeds, components, attachments, allowed_mentions, suppress flag). */
export function applyEdit(ctx: EmulatorContext, m: MessageRec, body: Body, files: UploadedFile[]): RestResponse | undefined {
  const invalid = validateMessageBody(body, files, 'edit');
  if (invalid) return invalid;
  const next = {
    content: 'content' in body ? (typeof body.content === 'string' ? body.content : '') : m.content,
    embeds: 'embeds' in body ? withRichType(body.embeds) : m.embeds,
    components: 'components' in body ? (Array.isArray(body.components) ? structuredClone(body.components) : []) : m.components,
    attachments: 'attachments' in body || files.length > 0 ? keptAttachments(m, body.attachments).concat(attachmentsFrom(m.channel_id, files, body.attachments)) : m.attachments,
  };
  const stillSomething = next.content.trim() || next.embeds.length || next.components.length || next.attachments.length;
  if (!stillSomething) return emptyMessage();
  Object.assign(m, next);
  if ('allowed_mentions' in body) m.allowed_mentions = body.allowed_mentions === null ? undefined : structuredClone(body.allowed_mentions);
  if ('flags' in body && body.flags !== null) {
    m.flags = (m.flags & ~MessageFlag.SuppressEmbeds) | (Number(body.flags) & MessageFlag.SuppressEmbeds);
  }
  m.flags &= ~MessageFlag.Loading;
  const guild = ctx.world.guilds.get(m.guild_id);
  if (guild) {
    const ref = m.message_reference?.message_id;
    const repliedTo = typeof ref === 'string' ? ctx.world.messageById.get(ref) : undefined;
    Object.assign(m, computeMentions(ctx.world, guild, m.authorId, m.content, m.allowed_mentions, repliedTo));
  }
  m.edited_timestamp = discordTimestamp();
  return undefined;
}

function keptAttachments(m: MessageRec, declared: unknown): unknown[] {
  if (!Array.isArray(declared)) return [];
  const keep = new Set(declared.map((a) => String((a as Record<string, unknown>).id)));
  return m.attachments.filter((a) => keep.has(String((a as Record<string, unknown>).id)));
}

export function commitEdit(ctx: EmulatorContext, m: MessageRec): void {
  ctx.emit('messageUpdate', ctx.world.snapshot(m));
  if (!m.ephemeral) ctx.dispatch('MESSAGE_UPDATE', gatewayMessage(ctx, m, false), Intents.GuildMessages);
}

export function commitDelete(ctx: EmulatorContext, m: MessageRec): void {
  m.deleted = true;
  const channel = ctx.world.channels.get(m.channel_id);
  if (channel && m.pinned) channel.pins = channel.pins.filter((p) => p.messageId !== m.id);
  m.pinned = false;
  ctx.emit('messageDelete', ctx.world.snapshot(m));
  if (!m.ephemeral) ctx.dispatch('MESSAGE_DELETE', { id: m.id, channel_id: m.channel_id, guild_id: m.guild_id }, Intents.GuildMessages);
}
