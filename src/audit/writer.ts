import { writeTx, type Db, type Tx } from '../store/db';
import { appendAudit, type AuditInput } from './append';

interface Pending {
  input: AuditInput;
  also: ((tx: Tx) => void) | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for events that do not ride on a state change of their own (every chat message
 * herald sends, FAQ answers during a flood of questions). Appends arriving together share one
 * durable transaction, and one fsync, instead of one each; each promise resolves only once its
 * event is committed, so an acknowledged event still survives a power loss.
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  append(input: AuditInput, also?: (tx: Tx) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, also, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever is queued now; also called on shutdown so nothing queued is lost. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    try {
      writeTx(this.db, (tx) => {
        for (const p of batch) {
          p.also?.(tx);
          appendAudit(tx, p.input);
        }
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve();
  }
}
