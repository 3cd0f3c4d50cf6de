import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Core } from '../core/core';
import type { DeliveryAttempt } from '../core/delivery/observed';
import { auditHead } from '../audit/head';
import { deliveryCounts, incidentCounts } from '../core/operations';
import { ageSeconds, type OpsSources } from './sources';

/**
 * herald's Prometheus metrics. Counters count what this process did (deliveries, retries, 429s,
 * latency); gauges are read from the store at each scrape, so they are right after a restart too.
 */
export class HeraldMetrics {
  readonly registry = new Registry();
  private readonly delivered: Counter<'platform' | 'outcome'>;
  private readonly retries: Counter<'platform'>;
  private readonly rateLimited: Counter<'platform'>;
  private readonly latency: Histogram<'platform'>;

  constructor(private readonly sources: OpsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_' });
    this.delivered = new Counter({ name: 'herald_deliveries_total', help: 'Deliveries that ended, by platform and outcome (sent or failed).', labelNames: ['platform', 'outcome'], registers });
    this.retries = new Counter({ name: 'herald_delivery_retries_total', help: 'Delivery attempts that failed and will be tried again, by platform.', labelNames: ['platform'], registers });
    this.rateLimited = new Counter({ name: 'herald_delivery_rate_limited_total', help: 'Delivery attempts a platform refused with 429 (rate limited), by platform.', labelNames: ['platform'], registers });
    this.latency = new Histogram({
      name: 'herald_delivery_latency_seconds',
      help: 'From a delivery being created (the final approval) to it being sent, by platform.',
      labelNames: ['platform'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    const store = this.sources;
    new Gauge({
      name: 'herald_deliveries',
      help: 'Deliveries in the database, by platform and status (pending, sent, failed).',
      labelNames: ['platform', 'status'],
      registers,
      collect() {
        this.reset();
        for (const r of deliveryCounts(store.db).byPlatform) this.set({ platform: r.platform, status: r.status }, r.count);
      },
    });
    new Gauge({
      name: 'herald_oldest_pending_delivery_age_seconds',
      help: 'How long the oldest pending delivery has waited; 0 when none waits.',
      registers,
      collect() {
        this.set(ageSeconds(deliveryCounts(store.db).oldestPendingAt, store.now) ?? 0);
      },
    });
    const incidentsNow = () => incidentCounts(store.db, (store.incidentNow ?? Date.now)());
    new Gauge({
      name: 'herald_open_incidents',
      help: 'Incidents open now (opened by a sev1/sev2 statement or /incident open, not yet resolved or closed).',
      registers,
      collect() {
        this.set(incidentsNow().open);
      },
    });
    new Gauge({
      name: 'herald_overdue_promises',
      help: 'Promised next updates of open incidents whose time has passed with no statement yet.',
      registers,
      collect() {
        this.set(incidentsNow().overduePromises);
      },
    });
    new Gauge({
      name: 'herald_audit_head_sequence',
      help: 'Sequence number of the newest audit log row.',
      registers,
      collect() {
        this.set(auditHead(store.db));
      },
    });
    new Gauge({
      name: 'herald_platform_connected',
      help: '1 while a configured platform is connected, 0 while it is not.',
      labelNames: ['platform'],
      registers,
      collect() {
        this.reset();
        for (const p of store.platforms()) this.set({ platform: p.platform }, p.connected ? 1 : 0);
      },
    });
  }

  /** Counts one ended delivery attempt (the worker's `deliveryAttempted` event). */
  attempted(a: DeliveryAttempt): void {
    const platform = a.platform;
    if (a.code === 'rate_limited') this.rateLimited.inc({ platform });
    if (a.outcome === 'retrying') this.retries.inc({ platform });
    else this.delivered.inc({ platform, outcome: a.outcome });
    if (a.outcome === 'sent') this.latency.observe({ platform }, ageSeconds(a.createdAt, this.sources.now) ?? 0);
  }

  /** Observes the worker through the core's events; returns the way to stop. */
  watch(core: Core): () => void {
    const on = (a: DeliveryAttempt) => this.attempted(a);
    core.events.on('deliveryAttempted', on);
    return () => core.events.off('deliveryAttempted', on);
  }

  /** The exposition text for `GET /metrics`. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
