import type { FileConfig } from './schema';
import type { Config } from './types';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
const DEFAULT_DISCONNECTED_AFTER_MS = 5 * 60_000;

type Fail = (message: string) => never;

/** PagerDuty's Events v2 endpoints (events.pagerduty.com, events.eu.pagerduty.com) take its trigger body, never Slack's. */
function isPagerDuty(url: string): boolean {
  return URL.canParse(url) && /(^|\.)pagerduty\.com$/i.test(new URL(url).hostname);
}

/**
 * The team's alert webhook from the file's `alerts.webhook` (a URL, `{ url }`, or `{ kind, … }`)
 * and the two secrets in the environment. Either secret alone turns alerts on too, so a variable
 * set in `.env` is never silently ignored.
 */
export function resolveAlerts(
  file: FileConfig['alerts'],
  env: { url?: string; routingKey?: string },
  configFile: string,
  fail: Fail,
): Config['alerts'] {
  const webhook = file?.webhook;
  if (!webhook && !env.url && !env.routingKey) return undefined;
  const where = (key: string) => `${key} in ${configFile}`;
  const given = env.url ?? webhook?.url;
  const kind = webhook?.kind ?? (given ? (isPagerDuty(given) ? 'pagerduty' : 'slack') : env.routingKey ? 'pagerduty' : 'slack');
  const url = given ?? (kind === 'pagerduty' ? PAGERDUTY_EVENTS_URL : undefined);
  if (!url) {
    fail(`HERALD_ALERT_WEBHOOK_URL: is required because ${where('alerts.webhook')} is set; expected the Slack-compatible incoming webhook URL (a secret, so here rather than in the config file)`);
  }
  if (kind === 'pagerduty' && !env.routingKey) {
    const because = webhook?.kind ? `${where('alerts.webhook.kind: pagerduty')} is set` : `alerts go to PagerDuty (${url})`;
    fail(`HERALD_PAGERDUTY_ROUTING_KEY: is required because ${because}; expected the integration key of a PagerDuty Events API v2 integration`);
  }
  if (kind === 'slack' && env.routingKey) {
    fail(
      `HERALD_PAGERDUTY_ROUTING_KEY: is set, but alerts go to a Slack-compatible webhook; for PagerDuty at another URL set kind: pagerduty under ${where('alerts.webhook')}, otherwise remove the key`,
    );
  }
  return {
    kind,
    url: url!,
    ...(kind === 'pagerduty' ? { routingKey: env.routingKey! } : {}),
    disconnectedAfterMs: webhook?.disconnected_after_ms ?? DEFAULT_DISCONNECTED_AFTER_MS,
  };
}
