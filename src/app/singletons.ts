import type { Config } from '../config/types';
import { Singleton } from '../core/leases/singleton';
import type { SingletonName } from '../core/leases/lease';
import type { Scheduler } from '../core/reminders/runner';
import type { Logger } from '../util/log';
import type { Herald } from './herald';
import type { PlatformLinks } from './links';

/**
 * What runs on one herald instance at a time, each held by its lease (src/core/leases): the
 * Discord gateway's command handling, Telegram's long polling (a webhook needs none), the
 * reminders and the status-site publisher. A lone instance wins every lease at its first try.
 * The chat singletons start before the platforms connect (an adapter attaches already knowing
 * whether to listen); the others once they are attached, where herald started them before.
 */
export class Singletons {
  readonly all: Singleton[] = [];
  private readonly chat: Singleton[] = [];
  private readonly work: Singleton[] = [];

  constructor(config: Config, herald: Herald, links: PlatformLinks, log: Logger, scheduler: Scheduler) {
    const make = (name: SingletonName, into: Singleton[], on: (s: Singleton) => void | Promise<void>, off: () => void | Promise<void>) => {
      const s: Singleton = new Singleton({
        db: herald.core.db,
        name,
        holder: config.instance.id,
        ttlMs: config.instance.leaseTtlMs,
        now: herald.core.now,
        scheduler,
        onAcquired: () => on(s),
        onLost: off,
        log,
      });
      into.push(s);
      this.all.push(s);
    };
    if (config.discord) make('discord-gateway', this.chat, () => links.listen('discord', true), () => links.listen('discord', false));
    if (config.telegram && !config.telegram.webhook) make('telegram-polling', this.chat, () => links.listen('telegram', true), () => links.listen('telegram', false));
    const { reminders, trust } = herald;
    make(
      'reminders',
      this.work,
      (s) => {
        reminders.fence = s.fence;
        reminders.start();
      },
      () => reminders.stop(),
    );
    const publications = trust.publications;
    if (publications) {
      publications.hold(undefined);
      make(
        'site-publisher',
        this.work,
        (s) => {
          publications.hold(s.fence);
          void trust.site?.kick();
        },
        () => publications.hold(undefined),
      );
    }
  }

  /** The platforms whose command handling a lease gates. */
  static gated(config: Config): Array<'discord' | 'telegram'> {
    return [...(config.discord ? (['discord'] as const) : []), ...(config.telegram && !config.telegram.webhook ? (['telegram'] as const) : [])];
  }

  startChat(): Promise<void> {
    for (const s of this.chat) s.start();
    return this.settled();
  }

  startWork(): Promise<void> {
    for (const s of this.work) s.start();
    return this.settled();
  }

  async settled(): Promise<void> {
    await Promise.all(this.all.map((s) => s.settled()));
  }

  /** Gives every lease up, so the other instance takes over at its next try. */
  async stop(): Promise<void> {
    await Promise.all(this.all.map((s) => s.stop()));
  }

  /** Stops renewing without stopping or releasing anything: the instance looks dead to the other (tests). */
  abandon(): void {
    for (const s of this.all) s.abandon();
  }

  /** Which of them this instance holds now, for /readyz. */
  holds = (name: string): boolean => this.all.some((s) => s.name === name && s.lease !== undefined);
  names = (): string[] => this.all.map((s) => s.name);
}
