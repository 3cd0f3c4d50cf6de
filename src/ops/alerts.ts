import type { Config } from '../config/types';
import { platformName } from '../config/schema';
import type { Core } from '../core/core';
import type { DeliveryAttempt } from '../core/delivery/observed';
import { formatWait, sleep } from '../core/delivery/backoff';
import { redact } from '../util/redact';
import type { Logger } from '../util/log';
import type { PlatformState } from './sources';

/** Something the team must hear about outside the chat platforms, which may be what is failing. */
export interface Alert {
  /** Stable for one problem, so PagerDuty folds repeats into one incident. */
  key: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  summary: string;
  details: Record<string, string | number>;
}

type AlertConfig = NonNullable<Config['alerts']>;

export function deliveryFailedAlert(a: DeliveryAttempt): Alert {
  return {
    key: `herald-delivery-${a.deliveryId}`,
    severity: 'critical',
    summary: `herald could not deliver draft #${a.draftId} to ${a.targetId} (${platformName(a.platform)}): ${a.reason ?? 'no reason given'}`,
    details: { draft: a.draftId, target: a.targetId, platform: a.platform, attempts: a.attempt, ...(a.code ? { code: a.code } : {}) },
  };
}

export function platformDownAlert(p: PlatformState, downForMs: number): Alert {
  return {
    key: `herald-platform-${p.platform}`,
    severity: 'error',
    summary: `herald has not been connected to ${platformName(p.platform)} for ${formatWait(downForMs)}${p.reason ? `: ${p.reason}` : ''}; its deliveries wait as pending`,
    details: { platform: p.platform, down_for_ms: downForMs },
  };
}

export function resumeAlert(pending: number): Alert {
  return {
    key: 'herald-restart-resume',
    severity: 'warning',
    summary: `herald restarted with ${pending} deliver${pending === 1 ? 'y' : 'ies'} to resume; they are being sent now, and the previews show how each lands`,
    details: { pending },
  };
}

/** The webhook's body: Slack-compatible `{ text }`, or a PagerDuty Events v2 trigger. Every text is scrubbed of secrets. */
export function alertBody(config: AlertConfig, alert: Alert, org: string): object {
  const summary = redact(alert.summary);
  const details = Object.fromEntries(Object.entries(alert.details).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]));
  if (config.kind === 'slack') return { text: `${alert.severity === 'critical' ? '🚨' : '⚠️'} ${org}: ${summary}` };
  return {
    routing_key: config.routingKey,
    event_action: 'trigger',
    dedup_key: alert.key,
    payload: { summary: summary.slice(0, 1024), source: 'herald', severity: alert.severity, group: org, custom_details: details },
  };
}

/**
 * POSTs alerts to the configured webhook. A failing webhook is retried a few times and then
 * logged; it never stops herald, and never holds up a delivery.
 */
export class Alerter {
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<boolean>>();

  constructor(
    private readonly config: AlertConfig,
    private readonly options: { org: string; log: Logger; attempts?: number; retryDelayMs?: number; timeoutMs?: number },
  ) {}

  /** Resolves true once the webhook took the alert, false when it would not. */
  send(alert: Alert): Promise<boolean> {
    const sent = this.post(alert);
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
    return sent;
  }

  private async post(alert: Alert): Promise<boolean> {
    const { attempts = 3, retryDelayMs = 1000, timeoutMs = 10_000, log } = this.options;
    const body = JSON.stringify(alertBody(this.config, alert, this.options.org));
    let problem = '';
    for (let attempt = 1; attempt <= attempts && !this.stopping.signal.aborted; attempt++) {
      try {
        const res = await fetch(this.config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return true;
        problem = `the webhook answered ${res.status}`;
        // Only a busy or failing receiver may take it later; any other refusal will not change.
        if (res.status !== 429 && res.status < 500) break;
      } catch (err) {
        problem = `the webhook could not be reached (${(err as Error).message})`;
      }
      await sleep(retryDelayMs * attempt, this.stopping.signal);
    }
    log.error({ alert: alert.key, problem: redact(problem) }, `an alert could not be sent: ${redact(alert.summary)}`);
    return false;
  }

  /** Alerts on every delivery that failed for good; returns the way to stop. */
  watchDeliveries(core: Core): () => void {
    const on = (a: DeliveryAttempt) => {
      if (a.outcome === 'failed') void this.send(deliveryFailedAlert(a));
    };
    core.events.on('deliveryAttempted', on);
    return () => core.events.off('deliveryAttempted', on);
  }

  /** Stops retrying; a request already on its way may still land (bounded by its timeout). */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }
}

/**
 * Alerts once when a platform has stayed disconnected for `afterMs`, and again only after it
 * came back and went down again. `check` is what the timer runs; tests call it with their clock.
 */
export class PlatformWatch {
  private readonly downSince = new Map<string, number>();
  private readonly alerted = new Set<string>();

  constructor(
    private readonly platforms: () => PlatformState[],
    private readonly alerter: Pick<Alerter, 'send'>,
    private readonly afterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the alerts it raised. */
  check(): Alert[] {
    const raised: Alert[] = [];
    const t = this.now();
    for (const p of this.platforms()) {
      if (p.connected) {
        this.downSince.delete(p.platform);
        this.alerted.delete(p.platform);
        continue;
      }
      const since = this.downSince.get(p.platform) ?? t;
      this.downSince.set(p.platform, since);
      if (t - since >= this.afterMs && !this.alerted.has(p.platform)) {
        this.alerted.add(p.platform);
        const alert = platformDownAlert(p, t - since);
        raised.push(alert);
        void this.alerter.send(alert);
      }
    }
    return raised;
  }

  /** Checks every `everyMs` until the returned function is called. */
  start(everyMs: number): () => void {
    this.check();
    const timer = setInterval(() => this.check(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
