import * as E from './api-errors';
import { applyEdit, buildMessage, commitDelete, commitEdit, commitMessage, validateMessageBody, type Body } from './messages';
import type { RouteDef, RouteRequest } from './rest-server';
import type { EmulatorContext, InteractionRec } from './context';
import { InteractionType } from './interactions';
import type { InteractionResponseRecord } from './types';
import type { MessageRec } from './guild-state';

const Callback = { Reply: 4, DeferredReply: 5, DeferredUpdate: 6, Update: 7, Autocomplete: 8, Modal: 9 } as const;
/** Which callbacks Discord accepts for which interaction type. */
const ALLOWED: Record<number, number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.Autocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};
const INTERACTION_FLAGS = 4 | 64 | 4096 | 32768;
const MAX_FOLLOWUPS = 5;

/** Interaction callbacks and the interaction webhook (@original, follow-ups). None of these carry the bot token. */
export function interactionRoutes(ctx: EmulatorContext): RouteDef[] {
  const { world } = ctx;

  const record = (rec: InteractionRec, entry: Omit<InteractionResponseRecord, 'at'>) => {
    const full = { ...entry, at: Date.now() } as InteractionResponseRecord;
    rec.responses.push(full);
    ctx.emit('interactionResponse', { interactionId: rec.id, ...structuredClone(full) });
  };

  /** Message type of what answers an interaction: 20 for slash commands, 23 for context menus, 0 otherwise. */
  const answerType = (rec: InteractionRec) => (rec.type === InteractionType.ApplicationCommand ? (rec.commandType === 1 ? 20 : 23) : 0);

  const createAnswer = (rec: InteractionRec, data: Body, files: RouteRequest['files'], extraFlags = 0): MessageRec => {
    const channel = world.channels.get(rec.channelId);
    if (!channel) throw new Error('interaction channel vanished');
    const body = { ...data, flags: Number(data.flags ?? 0) & INTERACTION_FLAGS & ~64 };
    return buildMessage(ctx, channel, body, files, {
      authorId: world.bot.id,
      type: answerType(rec),
      extraFlags: (Number(data.flags ?? 0) & 64) | extraFlags,
      interaction: { id: rec.id, type: rec.type, userId: rec.userId, name: rec.name, commandType: rec.commandType },
    });
  };

  /** The interaction behind a webhook route, or Discord's answer when there is none (any more). */
  const byToken = (req: RouteRequest): InteractionRec | E.RestResponse => {
    if (req.params.application_id !== world.applicationId) return E.unknownWebhook();
    const rec = [...ctx.interactions.values()].find((r) => r.token === req.params.token);
    if (!rec) return E.unknownWebhook();
    if (Date.now() - rec.createdAt > ctx.opts.interactionTokenTtlMs) return E.invalidWebhookToken();
    if (rec.callbackType === undefined) return E.unknownWebhook();
    return rec;
  };
  const isError = (v: unknown): v is E.RestResponse => typeof (v as E.RestResponse).status === 'number';

  const original = (rec: InteractionRec) => {
    const m = rec.originalMessageId ? world.messageById.get(rec.originalMessageId) : undefined;
    return m && !m.deleted ? m : undefined;
  };
  const ownMessage = (rec: InteractionRec, messageId: string) => {
    const m = world.messageById.get(messageId);
    return m && !m.deleted && (m.interaction_id === rec.id || m.id === rec.originalMessageId) ? m : undefined;
  };

  const callback = (req: RouteRequest): E.RestResponse => {
    const rec = ctx.interactions.get(req.params.interaction_id ?? '');
    if (!rec || rec.token !== req.params.token) return E.unknownInteraction();
    if (rec.callbackType !== undefined) return E.alreadyAcknowledged();
    if (Date.now() - rec.createdAt > ctx.opts.interactionAckTimeoutMs) return E.unknownInteraction();
    const type = Number(req.body.type);
    const data = (req.body.data ?? {}) as Body;
    if (!(ALLOWED[rec.type] ?? []).includes(type)) {
      const errors: E.FormErrors = {};
      E.addFieldError(errors, ['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Interaction response type is invalid for this interaction');
      return E.invalidFormBody(errors);
    }
    let message: MessageRec | undefined;
    switch (type) {
      case Callback.Reply: {
        const invalid = validateMessageBody(data, req.files, 'create');
        if (invalid) return prefixed(invalid);
        message = createAnswer(rec, data, req.files);
        commitMessage(ctx, message);
        rec.originalMessageId = message.id;
        break;
      }
      case Callback.DeferredReply:
        // The "is thinking..." placeholder, completed later through PATCH @original.
        message = createAnswer(rec, { content: '', flags: data.flags }, [], 128);
        commitMessage(ctx, message);
        rec.originalMessageId = message.id;
        break;
      case Callback.DeferredUpdate:
        rec.originalMessageId = rec.sourceMessageId;
        break;
      case Callback.Update: {
        const source = rec.sourceMessageId ? world.messageById.get(rec.sourceMessageId) : undefined;
        if (!source || source.deleted) return E.unknownMessage();
        const invalid = applyEdit(ctx, source, data, req.files);
        if (invalid) return prefixed(invalid);
        commitEdit(ctx, source);
        rec.originalMessageId = source.id;
        message = source;
        break;
      }
      case Callback.Autocomplete: {
        const choices = data.choices;
        if (!Array.isArray(choices) || choices.length > 25) {
          const errors: E.FormErrors = {};
          E.addFieldError(errors, ['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
          return E.invalidFormBody(errors);
        }
        break;
      }
      case Callback.Modal: {
        const errors: E.FormErrors = {};
        if (typeof data.custom_id !== 'string' || data.custom_id.length < 1 || data.custom_id.length > 100) E.addFieldError(errors, ['data', 'custom_id'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
        if (typeof data.title !== 'string' || data.title.length < 1 || data.title.length > 45) E.addFieldError(errors, ['data', 'title'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 45 in length.');
        if (!Array.isArray(data.components) || data.components.length < 1 || data.components.length > 5) E.addFieldError(errors, ['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
        if (E.hasErrors(errors)) return E.invalidFormBody(errors);
        break;
      }
    }
    rec.callbackType = type;
    record(rec, { kind: 'callback', type, data: structuredClone(req.body.data), ...(message ? { messageId: message.id } : {}) });
    if (req.query.get('with_response') !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: rec.id,
          type: rec.type,
          ...(message ? { response_message_id: message.id, response_message_loading: (message.flags & 128) !== 0, response_message_ephemeral: message.ephemeral } : {}),
        },
        ...(type === Callback.Reply || type === Callback.Update
          ? { resource: { type, message: message ? world.messageObject(message) : undefined } }
          : { resource: { type } }),
      },
    };
  };

  /** GET, PATCH and DELETE of one answer message: the original response, or a follow-up by id. */
  const messageRoutes = (pattern: string, find: (rec: InteractionRec, req: RouteRequest) => MessageRec | undefined, kinds: { edit: InteractionResponseRecord['kind']; delete: InteractionResponseRecord['kind'] }): RouteDef[] => {
    const located = (req: RouteRequest) => {
      const rec = byToken(req);
      if (isError(rec)) return rec;
      const m = find(rec, req);
      return m ? { rec, m } : E.unknownMessage();
    };
    return [
      {
        method: 'GET',
        pattern,
        auth: false,
        handler: (req) => {
          const found = located(req);
          return isError(found) ? found : { status: 200, body: world.messageObject(found.m) };
        },
      },
      {
        method: 'PATCH',
        pattern,
        auth: false,
        messageWrite: true,
        handler: (req) => {
          const found = located(req);
          if (isError(found)) return found;
          const invalid = applyEdit(ctx, found.m, req.body, req.files);
          if (invalid) return invalid;
          commitEdit(ctx, found.m);
          record(found.rec, { kind: kinds.edit, data: structuredClone(req.body), messageId: found.m.id });
          return { status: 200, body: world.messageObject(found.m) };
        },
      },
      {
        method: 'DELETE',
        pattern,
        auth: false,
        handler: (req) => {
          const found = located(req);
          if (isError(found)) return found;
          commitDelete(ctx, found.m);
          record(found.rec, { kind: kinds.delete, messageId: found.m.id });
          return { status: 204 };
        },
      },
    ];
  };

  const base = '/webhooks/:application_id/:token';
  return [
    { method: 'POST', pattern: '/interactions/:interaction_id/:token/callback', auth: false, messageWrite: true, handler: callback },
    ...messageRoutes(`${base}/messages/@original`, (rec) => original(rec), { edit: 'editOriginal', delete: 'deleteOriginal' }),
    {
      method: 'POST',
      pattern: base,
      auth: false,
      messageWrite: true,
      handler: (req) => {
        const rec = byToken(req);
        if (isError(rec)) return rec;
        if (rec.callbackType === Callback.Autocomplete || rec.callbackType === Callback.Modal) return E.unknownWebhook();
        const followups = rec.responses.filter((r) => r.kind === 'followup').length;
        if (followups >= MAX_FOLLOWUPS) return E.apiError(400, 40094, 'This interaction has hit the maximum number of follow up messages');
        const invalid = validateMessageBody(req.body, req.files, 'create');
        if (invalid) return invalid;
        const message = createAnswer(rec, req.body, req.files);
        commitMessage(ctx, message);
        record(rec, { kind: 'followup', data: structuredClone(req.body), messageId: message.id });
        return { status: 200, body: world.messageObject(message) };
      },
    },
    ...messageRoutes(`${base}/messages/:message_id`, (rec, req) => ownMessage(rec, req.params.message_id ?? ''), { edit: 'editFollowup', delete: 'deleteFollowup' }),
  ];
}

/** Callback data errors sit under `data` in Discord's error tree. */
function prefixed(answer: E.RestResponse): E.RestResponse {
  const body = answer.body as { code?: number; errors?: unknown } | undefined;
  if (body?.code !== 50035 || !body.errors) return answer;
  return { ...answer, body: { ...body, errors: { data: body.errors } } };
}
