import type { Config, Platform } from '../config/types';
import { openDb, type Db } from '../store/db';
import { warm } from '../store/prepared';
import { createCore, type Core } from '../core/core';
import { handleEvent } from '../core/commands/dispatch';
import type { ChatEvent, CommandOutcome } from '../core/commands/types';
import { DeliveryWorker } from '../core/delivery/worker';
import type { Publisher } from '../core/delivery/publisher';
import type { Library } from '../core/templates/library';
import { loadLibraryOrThrow } from './library';
import { registerSecret } from '../util/redact';
import { watchDrill } from '../core/broadcast/drill';
import { createChatPort, type ChatPort } from '../core/port';
import { PreviewKeeper } from '../core/previews/keeper';
import { TemplateLibraryError } from '../core/templates/library-error';
import { NoticeBoard } from '../core/notices/board';
import { ReminderRunner, type Scheduler } from '../core/reminders/runner';
import type { Logger } from '../util/log';
import { startTrust, type Trust } from './trust';

export { TemplateLibraryError, loadLibraryOrThrow };

/** herald without any chat platform: the store, the library, the command layer and the worker. */
export interface Herald {
  core: Core;
  worker: DeliveryWorker;
  /** What chat adapters are given: never the store or the whole core. */
  port: ChatPort;
  /** Promise reminders and break-glass chases; the composition root starts it once the adapters are attached. */
  reminders: ReminderRunner;
  /** Signatures, audit checkpoints and the status site (./trust.ts); without a signing key, only the site. Started by the composition root. */
  trust: Trust;
  /** What a chat adapter calls for every command and button press. */
  handle(event: ChatEvent): CommandOutcome;
  /** Says something about herald itself in the comms chat of every chat platform attached. */
  announce(text: string): Promise<void>;
  close(): Promise<void>;
}

export function createHerald(config: Config, options: { db?: Db; library?: Library; publishers?: Partial<Record<Platform, Publisher>>; random?: () => number; now?: () => number; scheduler?: Scheduler; leaseScheduler?: Scheduler; log?: Logger } = {}): Herald {
  for (const s of config.secrets) registerSecret(s);
  // The templates first: a broken one stops herald before the database file is even opened.
  const library = options.library ?? loadLibraryOrThrow(config.paths.templates);
  const db = options.db ?? openDb(config.paths.db);
  // The approval's queries are built now, not at the first approval (the one an incident waits on).
  warm(db);
  const core = createCore(config, db, library, options.now);
  const worker = new DeliveryWorker(core, options.publishers ?? {}, options.random, Date.now, options.leaseScheduler);
  // In a drill, each broadcast's timings are logged as its last delivery settles.
  const unwatchDrill = watchDrill(core);
  const keeper = new PreviewKeeper(core, () => worker.started());
  const board = new NoticeBoard(core);
  const reminders = new ReminderRunner(core, board, options.scheduler, options.log);
  const trust = startTrust(core, options.scheduler, options.random, () => worker.quiet());
  const handle = (event: ChatEvent): CommandOutcome => {
    const outcome = handleEvent(core, event, (tx) => worker.claimWithin(tx));
    if (outcome.broadcastId !== undefined) {
      // Its log line first: the story says the broadcast started before any delivery is sent.
      core.events.emit('deliveriesCreated', outcome.broadcastId);
      worker.kick();
    }
    // The reminders hear of the change at once: a reminder or a break-glass notice queued behind
    // the broadcast's own messages would reach the comms chat late. The previews wait for the
    // deliveries' first requests (see PreviewKeeper).
    for (const id of outcome.changedDrafts ?? []) core.events.emit('draftChanged', id);
    // The status site only shows the change: its rebuild (milliseconds of work) follows once the
    // deliveries it started have sent their first requests (so does a rebuild a delivery's
    // change asks for: startTrust's `ready`).
    void worker.started().then(() => trust.changed());
    return outcome;
  };
  return {
    core,
    worker,
    port: createChatPort(core, keeper, handle, board),
    reminders,
    trust,
    handle,
    announce: (text) => keeper.announce(text),
    async close() {
      await reminders.stop();
      await worker.stop();
      await trust.stop();
      keeper.close();
      unwatchDrill();
      core.audit.flush();
      if (!options.db) db.$client.close();
    },
  };
}
