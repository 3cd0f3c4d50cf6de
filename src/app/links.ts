import { platformName } from '../config/schema';
import type { Config, Platform } from '../config/types';
import { backoffMs, formatWait, sleep } from '../core/delivery/backoff';
import type { Publisher } from '../core/delivery/publisher';
import type { ChatPort } from '../core/port';
import { adapterFactory, configuredPlatforms, refusesCredentials, type PlatformAdapter } from '../platforms';
import type { LinkHealth } from '../platforms/types';
import type { PlatformState } from '../ops/sources';
import type { Logger } from '../util/log';
import { redact } from '../util/redact';
import { PlatformStartError } from './errors';


export interface LinkDeps {
  config: Config;
  log: Logger;
  port: ChatPort;
  /** Filled as platforms connect: the worker reads it at each delivery. */
  publishers: Partial<Record<Platform, Publisher>>;
  /** A platform connected: its waiting deliveries may go out. */
  connected(platform: Platform): void;
  /** Said in the comms chats of the platforms that are up. */
  announce(text: string): Promise<void>;
  /** Makes a platform's adapter instead of its factory (see StartOptions.create). */
  create?: (platform: Platform, config: Config, log: Logger) => Promise<PlatformAdapter> | undefined;
  random?: () => number;
  /** Platforms that receive commands only while a singleton's lease says so (see listen); the others receive once attached. */
  gated?: Platform[];
}

/**
 * Every configured platform's connection. Each platform connects on its own: one that cannot be
 * reached is tried again in the background with backoff while the others work, and its
 * deliveries wait as pending. Credentials a platform refuses (401) stop herald: retrying cannot
 * help, and a supervisor restarting herald in a loop would spend the platform's login budget.
 */
export class PlatformLinks {
  readonly adapters: PlatformAdapter[] = [];
  private readonly state = new Map<Platform, PlatformState>();
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly unwatch: Array<() => void> = [];
  private refused: (err: PlatformStartError) => void = () => undefined;
  /** Whether each platform is to receive commands here now; what a platform connecting later starts with. */
  private readonly listening = new Map<Platform, boolean>();
  /** Rejects when a platform refuses herald's credentials after the start (a token revoked while herald retried). */
  readonly fatal = new Promise<never>((_, reject) => (this.refused = reject));

  constructor(private readonly deps: LinkDeps) {
    this.fatal.catch(() => undefined);
    for (const p of deps.gated ?? []) this.listening.set(p, false);
    for (const platform of configuredPlatforms(deps.config)) {
      // A platform whose publisher was handed in (the tests' scripted ones) is not connected here.
      if (deps.publishers[platform]) continue;
      this.state.set(platform, { platform, connected: false, reason: `connecting to ${platformName(platform)}` });
    }
  }

  states = (): PlatformState[] => [...this.state.values()].map((s) => ({ ...s }));

  /**
   * Tries every platform once, together. Resolves when each has connected or failed once (the
   * failed ones keep trying in the background); throws PlatformStartError when one refused.
   */
  async start(): Promise<void> {
    const first = [...this.state.keys()].map(async (platform) => ({ platform, err: await this.attempt(platform) }));
    const results = await Promise.all(first);
    const refused = results.find((r) => r.err && refusesCredentials(r.err));
    if (refused) throw new PlatformStartError(message(refused.err));
    const down = results.filter((r) => r.err);
    for (const { platform } of down) this.loops.push(this.retry(platform));
    if (down.length && this.adapters.length) {
      const names = down.map((r) => `${platformName(r.platform)} (${this.state.get(r.platform)!.reason})`).join('; ');
      await this.deps.announce(`⏳ herald cannot reach ${names}. It keeps trying; deliveries there wait as pending and go out once it connects.`);
    }
  }

  /** One connect: create the adapter and attach it; on failure nothing of it is left running. Returns the error, if any. */
  private async attempt(platform: Platform): Promise<unknown> {
    const { config, log, port, publishers } = this.deps;
    const child = log.child({ platform });
    const factory = await adapterFactory(platform);
    let adapter: PlatformAdapter | undefined;
    const listening = this.listening.get(platform) ?? true;
    try {
      adapter = await (this.deps.create?.(platform, config, child) ?? factory?.(config, child));
      if (!adapter) {
        this.state.set(platform, { platform, connected: false, reason: 'this build of herald has no adapter for it' });
        return new Error(`this build of herald has no adapter for ${platformName(platform)}`);
      }
      await adapter.check?.();
      await adapter.attach?.(port, listening);
    } catch (err) {
      await adapter?.stop().catch(() => undefined);
      this.state.set(platform, { platform, connected: false, reason: message(err) });
      return err;
    }
    if (this.stopping.signal.aborted) {
      await adapter.stop();
      return new Error('herald is stopping');
    }
    this.adapters.push(adapter);
    // The lease was won or lost while it connected.
    if ((this.listening.get(platform) ?? true) !== listening) await adapter.listen?.(!listening);
    publishers[platform] = adapter.publisher;
    this.state.set(platform, { platform, connected: true });
    if (adapter.watchLink) this.unwatch.push(adapter.watchLink((h) => this.linkChanged(platform, h)));
    this.deps.connected(platform);
    return undefined;
  }

  /** A connected platform dropped or came back: the health report says so, and the log once per change. */
  private linkChanged(platform: Platform, health: LinkHealth): void {
    if (this.stopping.signal.aborted) return;
    const log = this.deps.log.child({ platform });
    this.state.set(platform, { platform, connected: health.connected, ...(health.connected ? {} : { reason: health.reason ?? 'the connection dropped' }) });
    if (health.connected) {
      log.info(`connected to ${platformName(platform)} again`);
      this.deps.connected(platform);
    } else log.warn({ reason: health.reason }, `lost the connection to ${platformName(platform)}: ${health.reason}`);
  }

  private async retry(platform: Platform): Promise<void> {
    const { delivery } = this.deps.config;
    const log = this.deps.log.child({ platform });
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      const wait = backoffMs(attempt, delivery.base_delay_ms, delivery.max_delay_ms, this.deps.random);
      log.warn({ reason: this.state.get(platform)!.reason, attempt, retryInMs: wait }, `${platformName(platform)} cannot be reached; trying again in ${formatWait(wait)}`);
      await sleep(wait, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      const err = await this.attempt(platform);
      if (!err) {
        log.info({ attempt }, `connected to ${platformName(platform)}; its waiting deliveries go out now`);
        await this.deps.announce(`✅ herald is connected to ${platformName(platform)} again; deliveries that waited go out now.`);
        return;
      }
      if (refusesCredentials(err)) {
        this.refused(new PlatformStartError(message(err)));
        return;
      }
    }
  }

  /** Starts or stops receiving a platform's commands here (its singleton's lease won or lost), now and once it connects. */
  async listen(platform: Platform, on: boolean): Promise<void> {
    this.listening.set(platform, on);
    await this.adapters.find((a) => a.platform === platform)?.listen?.(on);
  }

  /** Stops the retries and every connected adapter, in the order they connected. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const off of this.unwatch) off();
    await Promise.allSettled(this.loops);
    for (const a of this.adapters) await a.stop().catch((err: unknown) => this.deps.log.warn({ err, platform: a.platform }, 'a platform adapter did not stop cleanly'));
  }
}

const message = (err: unknown) => redact(err instanceof Error ? err.message : String(err));
