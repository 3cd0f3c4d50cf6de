import { engineOf } from '../store/db';
import type { Herald } from '../app';
import type { Config } from '../config/types';
import { ConfigError } from '../config/load';
import { deliveryCounts } from '../core/operations';
import type { Logger } from '../util/log';
import type { Alerter } from './alerts';
import type { OpsServer } from './http';
import type { HeraldMetrics } from './metrics';
import type { InstanceSources, OpsSources, PlatformState } from './sources';

export interface Ops {
  metrics: HeraldMetrics | null;
  server: OpsServer | null;
  alerter: Alerter | null;
  close(): Promise<void>;
}

/**
 * Health, metrics and alerts around a running herald, as far as the config asks for them; their
 * libraries load only then, so a herald without them starts no slower. Call it before the
 * worker's first kick: deliveries pending then are the ones a restart resumes.
 */
export async function startOps(config: Config, herald: Herald, platforms: () => PlatformState[], log: Logger, options: { watchEveryMs?: number; singletons?: InstanceSources['singletons'] } = {}): Promise<Ops> {
  const instance: InstanceSources = { id: config.instance.id, singletons: options.singletons ?? { names: () => [], holds: () => false } };
  // On SQLite herald is one process; on PostgreSQL the instance holding a singleton is `active`, the other `standby`.
  const role = () => (engineOf(herald.core.db) === 'sqlite' ? 'single' : instance.singletons.names().some((n) => instance.singletons.holds(n)) ? 'active' : 'standby');
  const sources: OpsSources = { db: herald.core.db, platforms, role, incidentNow: herald.core.now, instance };
  const stops: Array<() => void> = [];
  let alerter: Alerter | null = null;
  if (config.alerts) {
    const { Alerter, PlatformWatch, resumeAlert } = await import('./alerts');
    const a = new Alerter(config.alerts, { org: config.org.name, log });
    alerter = a;
    stops.push(a.watchDeliveries(herald.core), new PlatformWatch(platforms, a, config.alerts.disconnectedAfterMs).start(options.watchEveryMs ?? 15_000));
    const pending = deliveryCounts(herald.core.db).pending;
    if (pending) void a.send(resumeAlert(pending));
  }
  let metrics: HeraldMetrics | null = null;
  let server: OpsServer | null = null;
  if (config.http) {
    const [{ HeraldMetrics }, { startOpsServer }] = await Promise.all([import('./metrics'), import('./http')]);
    const m = new HeraldMetrics(sources);
    metrics = m;
    stops.push(m.watch(herald.core));
    try {
      server = await startOpsServer({ ...config.http, sources, metrics: m });
    } catch (err) {
      for (const stop of stops) stop();
      await alerter?.close();
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'is in use by another process' : code === 'EACCES' ? 'may not be opened by this user' : `could not be opened (${(err as Error).message})`;
      throw new ConfigError(`HERALD_HTTP_PORT: port ${config.http.port} on ${config.http.host} ${why}; choose another port or stop what holds it`);
    }
    log.info({ url: server.url }, 'health and metrics served at /healthz, /readyz and /metrics');
  }
  return {
    metrics,
    server,
    alerter,
    async close() {
      for (const stop of stops) stop();
      await server?.close();
      await alerter?.close();
    },
  };
}
