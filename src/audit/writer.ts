import { writeTx, type Db, type Tx } from '../store/db';
import { appendAudit, type AuditInput } from './append';

interface Pending {
  write: (tx: Tx) => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: writes that arrive together (every chat message herald sends, FAQ answers
 * during a flood of questions, deliveries to many channels finishing in the same rate-limit
 * window) share one durable transaction, and one fsync, instead of one each. Each promise
 * resolves only once its write is committed, so an acknowledged event still survives a power loss.
 */
export class AuditWriter {
  private queue: Pending[] = [];

  constructor(private readonly db: Db) {}

  /** One audit event (and any rows that go with it), committed with whatever else is queued. */
  append(input: AuditInput, also?: (tx: Tx) => void): Promise<void> {
    return this.run((tx) => {
      also?.(tx);
      appendAudit(tx, input);
    });
  }

  /** Any write that records something already done; it must append its own audit events. */
  run(write: (tx: Tx) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Commits whatever is queued now; also called on shutdown so nothing queued is lost. */
  flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    try {
      writeTx(this.db, (tx) => {
        for (const p of batch) p.write(tx);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve();
  }
}
