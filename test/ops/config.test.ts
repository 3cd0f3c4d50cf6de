import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load';
import { ROOT, tempDir } from '../support/config';

const fixture = () => readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8');
function withAlerts(yaml: string): string {
  const file = join(tempDir(), 'herald.yaml');
  writeFileSync(file, `${fixture()}\nalerts:\n${yaml}\n`);
  return file;
}
const load = (env: Record<string, string>) => loadConfig({ cwd: ROOT, readDotenv: false, env: { HERALD_CONFIG: 'test/fixtures/herald.yaml', HERALD_DB_PATH: ':memory:', ...env } });
function problem(env: Record<string, string>): string {
  try {
    load(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`expected a config error for ${JSON.stringify(env)}`);
}

describe('operations settings', () => {
  it('no HERALD_HTTP_PORT opens no port; with one, the host defaults to 127.0.0.1', () => {
    expect(load({}).http).toBeUndefined();
    expect(load({ HERALD_HTTP_PORT: '9464' }).http).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(load({ HERALD_HTTP_PORT: '9464', HERALD_HTTP_HOST: '0.0.0.0' }).http).toEqual({ port: 9464, host: '0.0.0.0' });
  });

  it('a bad port or host is one line naming the variable', () => {
    expect(problem({ HERALD_HTTP_PORT: 'ninety' })).toBe('HERALD_HTTP_PORT: expected a port number such as 9464');
    expect(problem({ HERALD_HTTP_PORT: '99999' })).toBe('HERALD_HTTP_PORT: expected a port number from 0 to 65535');
    expect(problem({ HERALD_HTTP_PORT: '9464', HERALD_HTTP_HOST: 'my laptop' })).toBe('HERALD_HTTP_HOST: expected an address to listen on such as 127.0.0.1 or 0.0.0.0');
  });

  it('alerts.webhook: Slack with the URL from the environment, PagerDuty with its routing key', () => {
    const slack = load({ HERALD_CONFIG: withAlerts('  webhook: { kind: slack }'), HERALD_ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/abcdefgh' });
    expect(slack.alerts).toEqual({ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/abcdefgh', disconnectedAfterMs: 300_000 });
    expect(slack.secrets).toContain('https://hooks.slack.com/services/T0/B0/abcdefgh');
    const pd = load({ HERALD_CONFIG: withAlerts('  webhook: { kind: pagerduty, disconnected_after_ms: 60000 }'), HERALD_PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdefABCDEF' });
    expect(pd.alerts).toEqual({ kind: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF', disconnectedAfterMs: 60_000 });
    expect(pd.secrets).toContain('R0UT1NGKEY0123456789abcdefABCDEF');
    expect(load({}).alerts).toBeUndefined();
  });

  it('alerts.webhook as a plain URL or { url } without kind: Slack by default, PagerDuty for its Events v2 URL; the URL is kept out of logs', () => {
    const hook = 'https://hooks.slack.com/services/T0/B0/abcdefgh';
    const plain = load({ HERALD_CONFIG: withAlerts(`  webhook: "${hook}"`) });
    expect(plain.alerts).toEqual({ kind: 'slack', url: hook, disconnectedAfterMs: 300_000 });
    expect(plain.secrets).toContain(hook);
    expect(load({ HERALD_CONFIG: withAlerts(`  webhook: { url: "${hook}", disconnected_after_ms: 60000 }`) }).alerts).toEqual({ kind: 'slack', url: hook, disconnectedAfterMs: 60_000 });
    const key = { HERALD_PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdefABCDEF' };
    const pd = load({ HERALD_CONFIG: withAlerts('  webhook: https://events.pagerduty.com/v2/enqueue'), ...key });
    expect(pd.alerts).toEqual({ kind: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue', routingKey: key.HERALD_PAGERDUTY_ROUTING_KEY, disconnectedAfterMs: 300_000 });
    expect(pd.secrets).not.toContain('https://events.pagerduty.com/v2/enqueue');
    expect(load({ HERALD_CONFIG: withAlerts('  webhook: { url: "https://events.eu.pagerduty.com/v2/enqueue" }'), ...key }).alerts?.kind).toBe('pagerduty');
    // The documented object form still decides the kind when it says one.
    expect(load({ HERALD_CONFIG: withAlerts('  webhook: { kind: pagerduty, url: "https://pd-proxy.acme.finance/enqueue" }'), ...key }).alerts).toMatchObject({ kind: 'pagerduty', url: 'https://pd-proxy.acme.finance/enqueue' });
  });

  it('HERALD_ALERT_WEBHOOK_URL or HERALD_PAGERDUTY_ROUTING_KEY alone turns alerts on; the environment URL wins over the file', () => {
    const hook = 'https://hooks.slack.com/services/T0/B0/abcdefgh';
    expect(load({ HERALD_ALERT_WEBHOOK_URL: hook }).alerts).toEqual({ kind: 'slack', url: hook, disconnectedAfterMs: 300_000 });
    expect(load({ HERALD_PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdefABCDEF' }).alerts).toEqual({
      kind: 'pagerduty',
      url: 'https://events.pagerduty.com/v2/enqueue',
      routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF',
      disconnectedAfterMs: 300_000,
    });
    expect(load({ HERALD_CONFIG: withAlerts('  webhook: https://chat.acme.finance/hooks/old'), HERALD_ALERT_WEBHOOK_URL: hook }).alerts?.url).toBe(hook);
  });

  it('a half-set or malformed alert webhook is one line saying what to set', () => {
    const slack = withAlerts('  webhook: { kind: slack }');
    expect(problem({ HERALD_CONFIG: slack })).toBe(
      `HERALD_ALERT_WEBHOOK_URL: is required because alerts.webhook in ${slack} is set; expected the Slack-compatible incoming webhook URL (a secret, so here rather than in the config file)`,
    );
    const pd = withAlerts('  webhook: { kind: pagerduty }');
    expect(problem({ HERALD_CONFIG: pd })).toBe(
      `HERALD_PAGERDUTY_ROUTING_KEY: is required because alerts.webhook.kind: pagerduty in ${pd} is set; expected the integration key of a PagerDuty Events API v2 integration`,
    );
    expect(problem({ HERALD_CONFIG: withAlerts('  webhook: { kind: teams }') })).toContain('alerts.webhook.kind: expected slack (any Slack-compatible incoming webhook) or pagerduty (Events v2)');
    expect(problem({ HERALD_CONFIG: withAlerts('  webhook: { kind: slack, url: "http://hooks.example.com/x" }') })).toContain(
      'alerts.webhook.url: expected an https:// URL (plain http only to 127.0.0.1 or localhost)',
    );
    expect(problem({ HERALD_CONFIG: withAlerts('  webhook: { kind: slack }'), HERALD_ALERT_WEBHOOK_URL: 'hooks' })).toBe('HERALD_ALERT_WEBHOOK_URL: expected an https:// URL');
    const pdUrl = withAlerts('  webhook: https://events.pagerduty.com/v2/enqueue');
    expect(problem({ HERALD_CONFIG: pdUrl })).toBe(
      'HERALD_PAGERDUTY_ROUTING_KEY: is required because alerts go to PagerDuty (https://events.pagerduty.com/v2/enqueue); expected the integration key of a PagerDuty Events API v2 integration',
    );
    const slackUrl = withAlerts('  webhook: https://hooks.slack.com/services/T0/B0/abcdefgh');
    expect(problem({ HERALD_CONFIG: slackUrl, HERALD_PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdefABCDEF' })).toBe(
      `HERALD_PAGERDUTY_ROUTING_KEY: is set, but alerts go to a Slack-compatible webhook; for PagerDuty at another URL set kind: pagerduty under alerts.webhook in ${slackUrl}, otherwise remove the key`,
    );
    expect(problem({ HERALD_CONFIG: withAlerts('  webhook: "http://hooks.example.com/x"') })).toContain('alerts.webhook.url: expected an https:// URL (plain http only to 127.0.0.1 or localhost)');
    expect(problem({ HERALD_PAGERDUTY_ROUTING_KEY: 'short' })).toBe('HERALD_PAGERDUTY_ROUTING_KEY: expected the 32-character integration key of a PagerDuty Events API v2 integration');
  });
});
