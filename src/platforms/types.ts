import type { Config, Platform } from '../config/types';
import { HeraldError } from '../core/errors';
import type { Publisher } from '../core/delivery/publisher';
import type { ChatPort } from '../core/port';
import type { Logger } from '../util/log';

/**
 * One platform, created by its factory from validated config. Every adapter publishes;
 * chat adapters (Discord, Telegram) also receive commands once attached to herald's chat port.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  readonly publisher: Publisher;
  /**
   * Start receiving commands and button presses, and keep previews up to date, through the port.
   * `listening: false` keeps previews only: another instance holds the platform's inbound singleton.
   */
  attach?(port: ChatPort, listening?: boolean): Promise<void>;
  /** Starts or stops receiving commands once attached (its singleton's lease was won or lost). */
  listen?(on: boolean): Promise<void>;
  /**
   * Throws what the platform said at start when it refused herald's credentials or did not
   * answer: the composition root stops herald on the one, connects again later on the other.
   */
  check?(): Promise<void>;
  /**
   * Reports the connection after start: a gateway that dropped, a long poll that keeps failing,
   * and its recovery. Adapters without a lasting connection (X) have none.
   */
  watchLink?(listener: (health: LinkHealth) => void): () => void;
  stop(): Promise<void>;
}

/** Whether a platform's lasting connection is up, and why not in a sentence while it is down. */
export interface LinkHealth {
  connected: boolean;
  reason?: string;
}

/** The latest LinkHealth of one adapter, told to its watchers when it changes. */
export class LinkSignal {
  private current: LinkHealth = { connected: true };
  private readonly listeners = new Set<(health: LinkHealth) => void>();

  set(health: LinkHealth): void {
    if (health.connected === this.current.connected && health.reason === this.current.reason) return;
    this.current = health;
    for (const l of this.listeners) l(health);
  }

  watch = (listener: (health: LinkHealth) => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
}

export type AdapterFactory = (config: Config, log: Logger) => Promise<PlatformAdapter>;

/**
 * The platform answered and refused herald's credentials (401): retrying cannot help, the
 * operator must fix the setting the error names. Anything else at connect may pass.
 */
export const refusesCredentials = (err: unknown): boolean => err instanceof HeraldError && err.status === 401;
