import { HeraldError } from '../errors';
import type { leases } from '../../store/schema';

/** What runs on one instance at a time, each held by its own lease row. */
export const SINGLETONS = ['discord-gateway', 'telegram-polling', 'reminders', 'site-publisher'] as const;
export type SingletonName = (typeof SINGLETONS)[number];

export type LeaseRow = typeof leases.$inferSelect;

/** A lease as its holder knows it: the fencing token is the holder and the epoch together. */
export type Lease = Pick<LeaseRow, 'name' | 'holder' | 'epoch' | 'expiresAt'>;

/**
 * A write that only a lease's holder may make was refused: another instance took the lease (or
 * nobody holds it any more), so this one must stop that work. Never shown to a user.
 */
export class LeaseLostError extends HeraldError {
  constructor(lease: Pick<Lease, 'name' | 'holder' | 'epoch'>, now?: Pick<Lease, 'holder' | 'epoch'>) {
    const who = now ? `${now.holder} holds it at epoch ${now.epoch}` : 'nobody holds it';
    super('conflict', `${lease.holder} no longer holds the ${lease.name} lease of epoch ${lease.epoch} (${who}); the write was not made`, { retryable: false });
    this.name = 'LeaseLostError';
  }
}

export const isoAt = (ms: number) => new Date(ms).toISOString();

/** How often a singleton tries to acquire or renew, and a worker renews its claims: three tries within one TTL. */
export const acquireEveryMs = (ttlMs: number) => Math.max(1, Math.floor(ttlMs / 3));
