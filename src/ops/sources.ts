import type { Platform } from '../config/types';
import type { Db } from '../store/db';
import { databaseWritable, deliveryCounts } from '../core/operations';
import { sitePublications } from '../store/schema';
import { leaseRows } from '../core/leases/holders';

/** One configured platform's connection, as its adapter knows it. */
export interface PlatformState {
  platform: Platform;
  connected: boolean;
  /** Why not, in a sentence, while disconnected. */
  reason?: string;
}

/**
 * What the composition root hands the health server, the metrics and the alerts: the store for
 * the read model, and functions for what only the running process knows.
 */
export interface OpsSources {
  db: Db;
  platforms: () => PlatformState[];
  /** This instance's role: `single` on SQLite; on PostgreSQL `active` while it holds a singleton, else `standby`. */
  role: () => string;
  /** Milliseconds since the epoch; a parameter so tests can hold time still. */
  now?: () => number;
  /** The clock promises are kept on (the core's, which tests drive); Date.now when not given. */
  incidentNow?: () => number;
  /** This instance's name and the singletons it runs (their leases are read from the store). */
  instance?: InstanceSources;
}

export interface InstanceSources {
  id: string;
  singletons: { names(): string[]; holds(name: string): boolean };
}

/** Who holds one singleton's lease: `mine` when this instance does; no holder while nobody ever has. */
export interface SingletonState {
  holder: string | null;
  epoch: number | null;
  expiresAt: string | null;
  mine: boolean;
}

export interface Readiness {
  ready: boolean;
  role: string;
  /** This instance (HERALD_INSTANCE_ID), and who runs each singleton it takes part in. Reported, not a readiness condition: a standby is ready. */
  instance?: string;
  singletons?: Record<string, SingletonState>;
  database: { writable: boolean; reason?: string };
  platforms: Record<string, { connected: boolean; reason?: string }>;
  deliveries: { pending: number; failed: number; oldestPendingAgeSeconds: number | null };
  /**
   * Each status site destination (status_site.publish) like a target: pending, published or
   * failed, with the last error and when it is retried. Reported, like deliveries, not a readiness condition; absent while nothing was published.
   */
  statusSite?: Record<string, { status: string; attempts: number; reason?: string; retryAt?: string; publishedAt?: string }>;
}

/** Ready means the database takes writes and every configured platform is connected. */
export function readiness(sources: OpsSources): Readiness {
  const database = databaseWritable(sources.db);
  const platforms: Readiness['platforms'] = {};
  for (const p of sources.platforms()) platforms[p.platform] = { connected: p.connected, ...(!p.connected && p.reason ? { reason: p.reason } : {}) };
  let deliveries: Readiness['deliveries'] = { pending: 0, failed: 0, oldestPendingAgeSeconds: null };
  if (database.writable) {
    const counts = deliveryCounts(sources.db);
    deliveries = { pending: counts.pending, failed: counts.failed, oldestPendingAgeSeconds: ageSeconds(counts.oldestPendingAt, sources.now) };
  }
  const statusSite: NonNullable<Readiness['statusSite']> = {};
  if (database.writable) {
    for (const r of sources.db.select().from(sitePublications).all()) {
      statusSite[r.destination] = {
        status: r.status,
        attempts: r.attempts,
        ...(r.status !== 'published' && r.lastError ? { reason: r.lastError } : {}),
        ...(r.status === 'pending' && r.notBefore ? { retryAt: r.notBefore } : {}),
        ...(r.publishedAt ? { publishedAt: r.publishedAt } : {}),
      };
    }
  }
  const singletons: Record<string, SingletonState> = {};
  if (database.writable && sources.instance) {
    const rows = new Map(leaseRows(sources.db).map((r) => [r.name, r]));
    for (const name of sources.instance.singletons.names()) {
      const r = rows.get(name);
      singletons[name] = { holder: r?.holder ?? null, epoch: r?.epoch ?? null, expiresAt: r?.expiresAt ?? null, mine: sources.instance.singletons.holds(name) };
    }
  }
  return {
    ready: database.writable && Object.values(platforms).every((p) => p.connected),
    role: sources.role(),
    ...(sources.instance ? { instance: sources.instance.id, singletons } : {}),
    database,
    platforms,
    deliveries,
    ...(Object.keys(statusSite).length ? { statusSite } : {}),
  };
}

/** Seconds since an ISO time, never negative (clocks of two processes may disagree a little). */
export function ageSeconds(iso: string | null, now: () => number = Date.now): number | null {
  return iso === null ? null : Math.max(0, (now() - Date.parse(iso)) / 1000);
}
