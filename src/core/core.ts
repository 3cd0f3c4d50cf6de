import { EventEmitter } from 'node:events';
import type { Config } from '../config/types';
import type { Db } from '../store/db';
import type { Library } from './templates/library';
import { AuditWriter } from '../audit/writer';
import type { DeliveryAttempt } from './delivery/observed';

export interface CoreEvents {
  /** Something a preview shows changed: approvals, state, a delivery. */
  draftChanged: [draftId: number];
  /** Deliveries were created and wait for the worker. */
  deliveriesCreated: [broadcastId: number];
  /** An audit event could not be written (the database is gone or full): the operator must know. */
  auditFailed: [error: unknown, type: string];
  /** A delivery attempt ended (sent, retrying or failed): what metrics and alerts observe. */
  deliveryAttempted: [attempt: DeliveryAttempt];
  /** A status site destination was published, failed or is retrying: previews showing it are refreshed. */
  sitePublicationChanged: [];
  /** Telegram update ids started over (a new bot, or dropped updates); commands still run, keyed by chat and message. */
  telegramUpdateIdsRestarted: [lastUpdateId: number, updateId: number];
}

/** What every verb needs: validated config, the store and the template library. */
export interface Core {
  config: Config;
  db: Db;
  library: Library;
  events: EventEmitter<CoreEvents>;
  /** Group-committed audit appends for what is not part of a state change (sent chat messages). */
  audit: AuditWriter;
  /**
   * The clock of incidents and promises (milliseconds, like Date.now): what a `next_update` is read
   * against, when a promise is due and kept, when reminders go out. Tests and the sandbox pass their own.
   */
  now: () => number;
}

export function createCore(config: Config, db: Db, library: Library, now: () => number = Date.now): Core {
  return { config, db, library, events: new EventEmitter<CoreEvents>(), audit: new AuditWriter(db), now };
}
