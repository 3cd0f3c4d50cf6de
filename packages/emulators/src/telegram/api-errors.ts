import type { ApiResponseBody, ChatType } from './types';

/**
 * A Bot API refusal. Handlers throw it; the server turns it into Telegram's body
 * `{ ok:false, error_code, description, parameters? }` with the same HTTP status.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = 'ApiError';
  }

  body(): ApiResponseBody {
    const body: ApiResponseBody = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

// Telegram's own wording, as the Bot API server (tdlib/telegram-bot-api) prefixes it.
export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string) => new ApiError(403, `Forbidden: ${what}`);
export const unauthorized = () => new ApiError(401, 'Unauthorized');
export const methodNotFound = () => new ApiError(404, 'Not Found: method not found');
export const chatNotFound = () => badRequest('chat not found');

export const tooManyRequests = (retryAfterSec: number) => {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSec));
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
};

export const migrated = (toChatId: number) =>
  new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
    migrate_to_chat_id: toChatId,
  });

export function kicked(type: ChatType): ApiError {
  if (type === 'private') return forbidden('bot was blocked by the user');
  return forbidden(`bot was kicked from the ${type} chat`);
}

export function notMember(type: ChatType): ApiError {
  if (type === 'private') return forbidden("bot can't initiate conversation with a user");
  return forbidden(`bot is not a member of the ${type} chat`);
}

/** The "not enough rights" text differs per action; these are the ones Telegram uses. */
export function notEnoughRights(method: string): ApiError {
  const m = method.toLowerCase();
  if (m.startsWith('pin') || m.startsWith('unpin')) {
    return badRequest('not enough rights to manage pinned messages in the chat');
  }
  if (m === 'deletemessage' || m === 'deletemessages') return badRequest("message can't be deleted");
  if (m.startsWith('edit')) return badRequest("message can't be edited");
  if (m === 'sendphoto') return badRequest('not enough rights to send photos to the chat');
  if (m === 'senddocument') return badRequest('not enough rights to send documents to the chat');
  return badRequest('not enough rights to send text messages to the chat');
}
