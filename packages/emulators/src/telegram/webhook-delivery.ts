import http from 'node:http';
import https from 'node:https';
import type { UpdateQueue } from './update-queue';
import type { Update } from './types';

/**
 * Webhook delivery. Telegram POSTs each update as JSON to the URL, with the
 * X-Telegram-Bot-Api-Secret-Token header when a secret was set, and retries an
 * update until the server answers 2xx. Here the retries are bounded (the emulator
 * must not loop forever); an update that exhausts them is dropped and reported.
 * Deliveries go one at a time, in order. A 2xx answer may carry a method call in its
 * body ({"method":"answerCallbackQuery",...}); Telegram executes it, and so do we.
 */

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
  ipAddress?: string;
  hasCustomCertificate: boolean;
}

export interface WebhookOptions {
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
}

export interface DeliveryReport {
  update: Update;
  attempt: number;
  ok: boolean;
  status?: number;
  error?: string;
  /** Set on the last failed attempt: the update is dropped. */
  gaveUp?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Only loopback is reachable from here; anything else is refused at setWebhook. */
export function checkWebhookUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'bad webhook: Failed to resolve host: Name or service not known';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'bad webhook: An HTTPS URL must be provided for webhook';
  }
  if (!LOOPBACK.has(url.hostname)) {
    return 'bad webhook: Failed to resolve host: Name or service not known';
  }
  return null;
}

type ReplyHandler = (body: Buffer, contentType: string | undefined) => Promise<void>;

export class WebhookDeliverer {
  settings: WebhookSettings | null = null;
  lastError: { date: number; message: string } | null = null;
  readonly failures: DeliveryReport[] = [];
  private running = false;
  private stopped = false;
  private readonly inflight = new Set<http.ClientRequest>();

  constructor(
    private readonly queue: UpdateQueue,
    private readonly options: WebhookOptions,
    private readonly onReply: ReplyHandler,
    private readonly report: (r: DeliveryReport) => void,
  ) {}

  set(settings: WebhookSettings | null) {
    this.settings = settings;
    this.lastError = null;
    if (settings) this.kick();
  }

  /** Starts the pump if it is idle and there is something to deliver. */
  kick() {
    if (this.running || this.stopped || !this.settings || this.queue.size === 0) return;
    this.running = true;
    void this.pump().finally(() => {
      this.running = false;
      this.kick();
    });
  }

  close() {
    this.stopped = true;
    for (const req of this.inflight) req.destroy();
  }

  private async pump() {
    while (!this.stopped && this.settings && this.queue.size > 0) {
      const update = this.queue.peek()!;
      const settings = this.settings;
      for (let attempt = 1; attempt <= this.options.attempts && !this.stopped; attempt++) {
        const result = await this.post(settings, update);
        const report: DeliveryReport = { update, attempt, ...result };
        if (!result.ok) {
          this.lastError = { date: Math.floor(Date.now() / 1000), message: result.error ?? 'unknown error' };
          if (attempt === this.options.attempts) {
            report.gaveUp = true;
            this.failures.push(report);
          }
        }
        this.report(report);
        if (result.ok || this.settings !== settings) break;
        if (attempt < this.options.attempts) await sleep(this.options.retryDelayMs * attempt);
      }
      if (this.settings !== settings) continue;
      // The head may already be gone (drop_pending_updates while we were posting).
      if (this.queue.peek() === update) this.queue.shift();
    }
  }

  private post(settings: WebhookSettings, update: Update): Promise<{ ok: boolean; status?: number; error?: string }> {
    const url = new URL(settings.url);
    const body = Buffer.from(JSON.stringify(update));
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': body.length,
    };
    if (settings.secretToken) headers['x-telegram-bot-api-secret-token'] = settings.secretToken;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const req = transport.request(
        url,
        // Loopback HTTPS servers in tests use self-signed certificates.
        { method: 'POST', headers, rejectUnauthorized: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => {});
          res.on('end', () => {
            this.inflight.delete(req);
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              resolve({ ok: false, status, error: `Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}`.trim() });
              return;
            }
            const reply = Buffer.concat(chunks);
            const handled = reply.length > 0 ? this.onReply(reply, res.headers['content-type']) : Promise.resolve();
            void handled.catch(() => {}).then(() => resolve({ ok: true, status }));
          });
        },
      );
      this.inflight.add(req);
      const timer = setTimeout(() => {
        req.destroy(new Error('Read timeout expired'));
      }, this.options.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => {
        this.inflight.delete(req);
        clearTimeout(timer);
        const message = error.code === 'ECONNREFUSED' ? 'Connection refused' : error.message;
        resolve({ ok: false, error: message });
      });
      req.end(body);
    });
  }
}

// Unref'd so a pending retry never keeps a finished test process alive.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
