import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { deliveries } from '../../src/store/schema';
import type { Config } from '../../src/config/types';
import { Alerter, PlatformWatch, resumeAlert } from '../../src/ops/alerts';
import { startOps, type Ops } from '../../src/ops';
import type { PlatformState } from '../../src/ops/sources';
import { createLogger } from '../../src/util/log';
import { registerSecret } from '../../src/util/redact';
import { readBody } from '../../src/util/http-body';
import { ROOT, tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';
import { permanent } from '../support/publisher';
import { until } from '../support/until';

const log = createLogger('silent');

/** The team's webhook receiver, on loopback: records every alert; answers with the statuses it is told to, then 200. */
async function receiver(statuses: number[] = []) {
  const received: Array<{ path: string; body: Record<string, unknown> }> = [];
  const server: Server = createServer(async (req, res) => {
    received.push({ path: req.url ?? '', body: JSON.parse((await readBody(req, 64_000)).toString('utf8')) as Record<string, unknown> });
    res.writeHead(statuses.shift() ?? 200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function publishSev1(h: ReturnType<typeof testHerald>) {
  h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
  h.chat.say('bob', '/approve #1');
  h.chat.say('carol', '/approve #1');
}

describe('alerts to the team webhook', () => {
  it('a delivery failing for good posts a Slack-compatible {text} naming draft, target and reason, without the secret in the error', async () => {
    const hook = await receiver();
    cleanup.push(hook.close);
    const h = testHerald(testConfig());
    cleanup.push(() => h.close());
    const alerter = new Alerter({ kind: 'slack', url: hook.url, disconnectedAfterMs: 60_000 }, { org: 'Acme Finance', log });
    cleanup.push(() => alerter.close());
    alerter.watchDeliveries(h.herald.core);
    const secret = 'tg-secret-9f8e7d6c5b4a39281706';
    registerSecret(secret);
    h.pubs.telegram.script('telegram-main', { error: permanent(`Telegram answered 403: bot was kicked (token ${secret})`) });
    publishSev1(h);
    await h.herald.worker.idle();
    await until(() => hook.received.length === 1, { what: 'the alert' });

    expect(hook.received[0]!.path).toBe('/hook');
    expect(hook.received[0]!.body).toEqual({
      text: '🚨 Acme Finance: herald could not deliver draft #1 to telegram-main (Telegram): Telegram answered 403: bot was kicked (token [redacted])',
    });
    expect(JSON.stringify(hook.received)).not.toContain(secret);
  });

  it('alerts: { webhook: <url> } in the config file alone: a running herald posts the failure to that URL', async () => {
    const hook = await receiver();
    cleanup.push(hook.close);
    const file = join(tempDir(), 'herald.yaml');
    writeFileSync(file, `${readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8')}\nalerts:\n  webhook: ${hook.url}\n`);
    const config = testConfig({ HERALD_CONFIG: file });
    const h = testHerald(config);
    cleanup.push(() => h.close());
    const ops: Ops = await startOps(h.config, h.herald, () => [], log);
    cleanup.push(() => ops.close());
    h.pubs.telegram.script('telegram-main', { error: permanent('Telegram answered 403: bot was kicked') });
    publishSev1(h);
    await h.herald.worker.idle();
    await until(() => hook.received.length === 1, { what: 'the alert' });
    expect(hook.received[0]!.body).toEqual({ text: '🚨 Acme Finance: herald could not deliver draft #1 to telegram-main (Telegram): Telegram answered 403: bot was kicked' });
  });

  it('PagerDuty: an Events v2 trigger with the routing key, a dedup key per problem and the details; a 503 is retried', async () => {
    const hook = await receiver([503]);
    cleanup.push(hook.close);
    const alerts: NonNullable<Config['alerts']> = { kind: 'pagerduty', url: hook.url, routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF', disconnectedAfterMs: 60_000 };
    const alerter = new Alerter(alerts, { org: 'Acme Finance', log, retryDelayMs: 1 });
    cleanup.push(() => alerter.close());
    expect(await alerter.send(resumeAlert(3))).toBe(true);
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.body).toEqual({
      routing_key: 'R0UT1NGKEY0123456789abcdefABCDEF',
      event_action: 'trigger',
      dedup_key: 'herald-restart-resume',
      payload: {
        summary: 'herald restarted with 3 deliveries to resume; they are being sent now, and the previews show how each lands',
        source: 'herald',
        severity: 'warning',
        group: 'Acme Finance',
        custom_details: { pending: 3 },
      },
    });
  });

  it('a webhook that refuses (404) is not retried, is logged, and herald carries on', async () => {
    const hook = await receiver([404]);
    cleanup.push(hook.close);
    const lines: string[] = [];
    const alerter = new Alerter({ kind: 'slack', url: hook.url, disconnectedAfterMs: 60_000 }, { org: 'Acme', log: createLogger('error', { write: (l: string) => void lines.push(l) }), retryDelayMs: 1 });
    expect(await alerter.send(resumeAlert(1))).toBe(false);
    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'an alert could not be sent: herald restarted with 1 delivery to resume; they are being sent now, and the previews show how each lands', problem: 'the webhook answered 404' });
  });

  it('a platform that stays disconnected for the configured time is alerted once, and again only after it came back and fell again', async () => {
    const hook = await receiver();
    cleanup.push(hook.close);
    const alerter = new Alerter({ kind: 'slack', url: hook.url, disconnectedAfterMs: 300_000 }, { org: 'Acme Finance', log });
    cleanup.push(() => alerter.close());
    let now = 1_000_000;
    const telegram: PlatformState = { platform: 'telegram', connected: false, reason: 'Telegram could not be reached (ENOTFOUND api.telegram.org)' };
    const states = () => [{ platform: 'discord' as const, connected: true }, telegram];
    const watch = new PlatformWatch(states, alerter, 300_000, () => now);
    expect(watch.check()).toEqual([]);
    now += 299_999;
    expect(watch.check()).toEqual([]);
    now += 1;
    expect(watch.check().map((a) => a.summary)).toEqual([
      'herald has not been connected to Telegram for 5 min: Telegram could not be reached (ENOTFOUND api.telegram.org); its deliveries wait as pending',
    ]);
    now += 600_000;
    expect(watch.check()).toEqual([]);
    await until(() => hook.received.length === 1, { what: 'the alert' });
    expect(hook.received[0]!.body.text).toBe('⚠️ Acme Finance: herald has not been connected to Telegram for 5 min: Telegram could not be reached (ENOTFOUND api.telegram.org); its deliveries wait as pending');

    telegram.connected = true;
    expect(watch.check()).toEqual([]);
    telegram.connected = false;
    expect(watch.check()).toEqual([]);
    now += 300_000;
    expect(watch.check()).toHaveLength(1);
    await until(() => hook.received.length === 2, { what: 'the second alert' });
  });

  it('herald restarting with deliveries to resume says so on the webhook', async () => {
    const hook = await receiver();
    cleanup.push(hook.close);
    const config = testConfig();
    const first = testHerald(config);
    // The first process stops while Telegram never answers: its delivery stays pending.
    first.pubs.telegram.script('telegram-main', 'hang');
    publishSev1(first);
    await until(() => first.db.select().from(deliveries).where(eq(deliveries.status, 'sent')).all().length === 2, { what: 'discord and x sent' });
    await first.close();

    const second = testHerald({ ...config, alerts: { kind: 'slack', url: hook.url, disconnectedAfterMs: 60_000 } });
    cleanup.push(() => second.close());
    const ops: Ops = await startOps(second.config, second.herald, () => [], log);
    cleanup.push(() => ops.close());
    await until(() => hook.received.length === 1, { what: 'the alert' });
    expect(hook.received[0]!.body.text).toBe('⚠️ Acme Finance: herald restarted with 1 delivery to resume; they are being sent now, and the previews show how each lands');
    second.herald.worker.kick();
    await second.herald.worker.idle();
    expect(second.pubs.telegram.postsTo('telegram-main')).toHaveLength(1);
  });
});
