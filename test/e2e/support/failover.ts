import { asc } from 'drizzle-orm';
import { openDb, type Db } from '../../../src/store/db';
import { leases } from '../../../src/store/schema';
import type { HeraldProcess } from './herald-process';
import { cutParts, killAt, trialVars } from './kill';
import type { Stage } from './stage';

/**
 * Two `herald start` instances on one database against one world of emulators, and a trial of
 * failover: the instance holding the singletons is SIGKILLed at a chosen moment of a broadcast,
 * the other takes over, the dead one is started again (so the next trial again has two).
 * Shared by the failover test (which asserts) and the benchmark (which measures); no vitest here.
 */

/** The product's promise (SPEC, "Running herald: one machine, or two"): the other instance takes over within 15 s. */
export const TAKEOVER_BOUND_MS = 15_000;
export const INSTANCE_IDS = ['herald-a', 'herald-b'] as const;
export type InstanceId = (typeof INSTANCE_IDS)[number];
type Platform = 'discord' | 'telegram' | 'x';

export interface SingletonView {
  holder: string | null;
  epoch: number | null;
  mine: boolean;
}

export interface Readyz {
  instance?: string;
  singletons?: Record<string, SingletonView>;
}

export class Instances {
  private readonly procs = new Map<InstanceId, HeraldProcess>();
  private db: Db | undefined;
  /** An instance being started again, awaited before the next kill (./failoverTrial). */
  private restarting: Promise<unknown> = Promise.resolve();
  /** The singletons' names, as the first instance's /readyz listed them. */
  names: string[] = [];

  constructor(
    private readonly s: Stage,
    private readonly ttlMs: number,
  ) {}

  /** Starts both: herald-a first, so it wins every lease at its first try. */
  async startBoth(): Promise<void> {
    await this.start('herald-a');
    this.names = Object.keys((await this.readyz('herald-a')).singletons ?? {});
    if (!this.names.length) throw new Error(`herald-a's /readyz names no singletons:\n${this.proc('herald-a').logs.slice(-10).join('\n')}`);
    await this.holderOfAll();
    await this.start('herald-b');
  }

  async start(id: InstanceId): Promise<HeraldProcess> {
    const h = await this.s.start([], { HERALD_INSTANCE_ID: id, HERALD_LEASE_TTL_MS: String(this.ttlMs), HERALD_HTTP_PORT: '0' });
    this.procs.set(id, h);
    return h;
  }

  /** Starts `id` again in the background; `bothUp` resolves once it is up. */
  restart(id: InstanceId): void {
    this.restarting = this.start(id);
    this.restarting.catch(() => undefined);
  }

  bothUp(): Promise<unknown> {
    return this.restarting;
  }

  proc(id: InstanceId): HeraldProcess {
    const h = this.procs.get(id);
    if (!h) throw new Error(`${id} was never started`);
    return h;
  }

  /** What an operator's monitoring reads: the instance's GET /readyz (served on the port it logged). */
  async readyz(id: InstanceId): Promise<Readyz> {
    const line = this.proc(id).logs.find((l) => l.includes('health and metrics served'));
    if (!line) throw new Error(`${id} logged no health and metrics address`);
    const res = await fetch(`${(JSON.parse(line) as { url: string }).url}/readyz`);
    return (await res.json()) as Readyz;
  }

  /** The lease rows, as herald's database holds them. */
  leaseRows() {
    this.db ??= openDb(this.s.dbPath, { migrate: false });
    return this.db.select().from(leases).orderBy(asc(leases.name)).all();
  }

  /** Resolves once one instance holds every singleton's lease (and it has not expired): that instance, and when it had the last of them. */
  holderOfAll(who?: InstanceId, timeoutMs = 30_000): Promise<{ id: InstanceId; acquiredAt: number }> {
    return this.s.until(
      () => {
        const now = new Date().toISOString();
        const rows = this.leaseRows().filter((r) => this.names.includes(r.name));
        const holders = new Set(rows.map((r) => r.holder));
        const [id] = [...holders] as InstanceId[];
        if (rows.length !== this.names.length || holders.size !== 1 || (who && id !== who) || rows.some((r) => r.expiresAt <= now)) return undefined;
        return { id: id!, acquiredAt: Math.max(...rows.map((r) => Date.parse(r.acquiredAt))) };
      },
      `${who ?? 'one instance'} to hold every singleton (${this.names.join(', ')})`,
      timeoutMs,
    );
  }

  close(): void {
    this.db?.$client.close();
  }
}

export const otherThan = (id: InstanceId): InstanceId => (id === 'herald-a' ? 'herald-b' : 'herald-a');

export interface FailoverTrial {
  n: number;
  draftId: number;
  /** The /approve message in the Telegram comms group. */
  approveMessageId: number;
  killed: InstanceId;
  survivor: InstanceId;
  killAtPost: number;
  killedAt: number;
  /** When the test saw the killed process gone: a request arriving later is the survivor's. */
  goneAt: number;
  cut: ReturnType<typeof cutParts>;
  /** Kill → the survivor holding every singleton. */
  takeoverMs: number;
  /** Platforms whose delivery the killed instance left unsent (all three when it died before recording the approval). */
  left: Platform[];
  /** Platforms whose unsent delivery the killed instance had claimed: the survivor waited for those claims to expire. */
  claimed: Platform[];
  /**
   * Kill → the survivor's first request to a target of what was left (a post, or the look-up
   * finding a cut-off post already up), or its recording that delivery sent when it needed no
   * request; undefined when nothing was left.
   */
  resumedMs: number | undefined;
  /** The same for the deliveries the killed instance had claimed (undefined when it had claimed none); the others the survivor takes at its next poll. */
  afterClaimMs: number | undefined;
  /** Kill → the survivor's first post, or its lease acquisition when nothing was left to post. */
  failoverMs: number;
}

/** When the earliest request to a public target of one of `platforms` arrived after `since` (the dead process had gone). */
function firstRequest(s: Stage, platforms: Platform[], since: number): number | undefined {
  const channel = `/channels/${s.world.discordTargets[0]!}/`;
  const chat = String(s.world.telegramTargets[0]!);
  const arrivals: Record<Platform, number[]> = {
    discord: s.world.discord.requests.filter((r) => r.path.startsWith(channel)).map((r) => r.at),
    telegram: s.world.telegram.requests.filter((r) => String(r.params.chat_id) === chat).map((r) => r.at),
    x: s.world.x.requests.filter((r) => r.path.startsWith('/2/tweets')).map((r) => Date.parse(r.at)),
  };
  const after = platforms.flatMap((p) => arrivals[p].filter((at) => at >= since));
  return after.length ? Math.min(...after) : undefined;
}

/**
 * One trial: alice drafts on Discord, bob approves in the Telegram group, the holder of the
 * singletons is SIGKILLed at `killAtPost` (0: once it took the approval; k: as the broadcast's
 * k-th post reaches its platform), the survivor takes over and the broadcast settles; then the
 * killed instance is started again, now the standby.
 */
export async function failoverTrial(s: Stage, inst: Instances, n: number, killAtPost: number): Promise<FailoverTrial> {
  const marker = `(trial ${n})`;
  const { id: killed } = await inst.holderOfAll();
  const survivor = otherThan(killed);
  const draftId = await s.draft('discord', 'sev2/degraded-service', trialVars(n));
  // The instance killed in the trial before started again while the draft was made: the holder is killed only with a standby up.
  await inst.bothUp();
  let approveMessageId = 0;
  // The approval goes through Telegram: an update the dead holder did not confirm is delivered to the survivor once it polls.
  const killedAt = await killAt(s, inst.proc(killed), killAtPost, marker, () => (approveMessageId = s.telegramCommand('bob', `/approve ${draftId} r1`)));
  const goneAt = Date.now();
  // The dead process writes nothing more: this is what it left.
  const atKill = s.deliveries(draftId);
  const cut = cutParts(s, draftId);

  const taken = await inst.holderOfAll(survivor);
  const settled = await s.settled(draftId);
  const unsent = atKill.filter((d) => d.status === 'pending' && d.claimedBy !== survivor);
  const left: Platform[] = atKill.length ? unsent.map((d) => d.platform as Platform) : ['discord', 'telegram', 'x'];
  const claimed = unsent.filter((d) => d.claimedBy === killed).map((d) => d.platform as Platform);
  // The survivor's first request for what was left (its first post, or the look-up that found the
  // post up and a crosspost or pin still to do); when no request was needed, its recording the delivery sent.
  const resumed = (platforms: Platform[]) => {
    if (!platforms.length) return undefined;
    const finished = settled.filter((d) => platforms.includes(d.platform as Platform)).map((d) => Date.parse(d.updatedAt));
    return (firstRequest(s, platforms, goneAt) ?? Math.min(...finished)) - killedAt;
  };
  const resumedMs = resumed(left);
  const takeoverMs = taken.acquiredAt - killedAt;

  // The next trial again has two: the killed instance comes back as the standby (not before the
  // survivor finished: its own name would let it take its old claims back at once).
  inst.restart(killed);
  return { n, draftId, approveMessageId, killed, survivor, killAtPost, killedAt, goneAt, cut, takeoverMs, left, claimed, resumedMs, afterClaimMs: resumed(claimed), failoverMs: resumedMs ?? takeoverMs };
}
