import type { UploadedFile } from '../params';
import { Described, type Handler } from '../bot-api';
import { ApiError, badRequest } from '../api-errors';
import { checkWebhookUrl, type WebhookSettings } from '../webhook-delivery';

/** getUpdates long polling and the webhook settings. */

const getUpdates: Handler = async ({ params, core, closed }) => {
  if (core.webhook.settings) {
    throw new ApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const allowed = params.json<unknown>('allowed_updates');
  if (Array.isArray(allowed)) core.queue.allowedUpdates = allowed.map(String);
  const limit = Math.min(100, Math.max(1, params.int('limit') ?? 100));
  const timeout = Math.max(0, params.int('timeout') ?? 0);
  return core.queue.poll(params.int('offset'), limit, timeout, Promise.race([closed, core.closing]));
};

const SECRET = /^[A-Za-z0-9_-]*$/;

const setWebhook: Handler = ({ params, core }) => {
  const url = params.str('url') ?? '';
  if (url === '') return removeWebhook(params.bool('drop_pending_updates'), core);
  const problem = checkWebhookUrl(url);
  if (problem) throw badRequest(problem);
  const secret = params.str('secret_token');
  if (secret !== undefined) {
    if (secret.length > 256) throw badRequest('secret token is too long');
    if (!SECRET.test(secret)) throw badRequest('secret token contains unallowed characters');
  }
  const maxConnections = params.int('max_connections') ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw badRequest('max_connections must be between 1 and 100');
  const allowed = params.json<unknown>('allowed_updates');
  if (Array.isArray(allowed)) core.queue.allowedUpdates = allowed.map(String);
  if (params.bool('drop_pending_updates')) core.queue.clear();

  const previous = core.webhook.settings;
  const same = previous?.url === url && previous.secretToken === (secret || undefined);
  const certificate = params.raw.certificate as UploadedFile | undefined;
  const settings: WebhookSettings = {
    url,
    maxConnections,
    hasCustomCertificate: typeof certificate === 'object' && certificate !== null && certificate.size > 0,
  };
  if (secret) settings.secretToken = secret;
  const ip = params.str('ip_address');
  if (ip) settings.ipAddress = ip;
  core.webhook.set(settings);
  return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
};

function removeWebhook(drop: boolean, core: Parameters<Handler>[0]['core']) {
  if (drop) core.queue.clear();
  const had = core.webhook.settings !== null;
  core.webhook.set(null);
  return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}

const deleteWebhook: Handler = ({ params, core }) => removeWebhook(params.bool('drop_pending_updates'), core);

const getWebhookInfo: Handler = ({ core }) => {
  const settings = core.webhook.settings;
  const info: Record<string, unknown> = {
    url: settings?.url ?? '',
    has_custom_certificate: settings?.hasCustomCertificate ?? false,
    pending_update_count: core.queue.size,
  };
  if (settings) {
    info.ip_address = settings.ipAddress ?? '127.0.0.1';
    const error = core.webhook.lastError;
    if (error) {
      info.last_error_date = error.date;
      info.last_error_message = error.message;
    }
    info.max_connections = settings.maxConnections;
    const allowed = core.queue.allowedUpdates;
    if (allowed && allowed.length > 0) info.allowed_updates = allowed;
  }
  return info;
};

export const updateMethods: Record<string, Handler> = { getUpdates, setWebhook, deleteWebhook, getWebhookInfo };
