import type { Config, Platform } from '../config/types';
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
  /** Start receiving commands and button presses, and keep previews up to date, through the port. */
  attach?(port: ChatPort): Promise<void>;
  stop(): Promise<void>;
}

export type AdapterFactory = (config: Config, log: Logger) => Promise<PlatformAdapter>;
