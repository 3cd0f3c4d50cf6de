import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { toPositional } from './placeholders';
import { packagePath } from '../../util/package-root';

/** Plain JavaScript, run as it is from the sources by the tests and by the build alike (a worker thread gets no TypeScript loader). */
const WORKER_FILE = packagePath('src/store/postgres/worker.mjs');

/**
 * The PostgreSQL engine, with the face of the better-sqlite3 `Database` that drizzle's SQLite
 * driver and herald's few raw statements use: `prepare` (run/all/get/iterate/raw), `transaction`,
 * `exec`. So the core, written once against ../schema.ts, runs unchanged on either engine
 * (the developers' guide: one store interface, two engines).
 *
 * Each call blocks until PostgreSQL answers (./worker.mjs holds the connection on its own
 * thread). That keeps the store's contract what it is on SQLite: a transaction is synchronous
 * code, so nothing else of this process runs inside it. Write transactions of both instances
 * are serialised by one advisory lock, as SQLite's IMMEDIATE transactions are by its write
 * lock: the audit chain stays one linear chain, and a claim or a lease read in a transaction is
 * still true when the transaction writes.
 */
export class PostgresClient {
  /** What logs and errors may show: the URL without its password. */
  readonly name: string;
  readonly readonly = false;
  open = true;
  inTransaction = false;
  private depth = 0;
  private calls = 0;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    url: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.name = shownUrl(url);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_FILE, { workerData: { url, flag: this.flag.buffer, port: port2 }, transferList: [port2] });
    this.worker.unref();
    this.call({ op: 'connect' });
  }

  /** Applies the PostgreSQL migrations that have not run yet (drizzle's migrator, on the worker). */
  migrate(folder: string): void {
    this.call({ op: 'migrate', folder, lock: MIGRATION_LOCK });
  }

  prepare(sql: string): PostgresStatement {
    return new PostgresStatement(this, sql);
  }

  /** better-sqlite3's shape: `transaction(fn)` gives a function, with `.deferred/.immediate/.exclusive`. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R) {
    const run = (...args: A) => this.inTx(() => fn(...args));
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
  }

  /** Statements without parameters, one or several (`BEGIN IMMEDIATE` is SQLite's; here every write transaction is). */
  exec(sql: string): this {
    this.query(sql.replace(/\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b/giu, 'BEGIN'), [], false);
    return this;
  }

  /** SQLite's settings mean nothing here; the few herald reads back (busy_timeout) read 0. */
  pragma(_source: string, _options?: { simple?: boolean }): unknown {
    return 0;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.call({ op: 'end' });
    } finally {
      void this.worker.terminate();
    }
  }

  /** One statement, as PostgreSQL answers it; placeholders in SQLite's `?` or `@name` form. */
  query(sql: string, params: unknown[] | Record<string, unknown>, arrays: boolean): { rows: any[]; rowCount: number } {
    if (!this.open) throw new PostgresError('the database connection is closed', 'closed');
    const { text, values } = toPositional(sql, params);
    return this.call({ op: 'query', sql: text, params: values, arrays }) as { rows: any[]; rowCount: number };
  }

  private inTx<R>(fn: () => R): R {
    const outer = this.depth === 0;
    const savepoint = `herald_sp${this.depth}`;
    if (outer) {
      this.inTransaction = true;
      try {
        // One round trip: a statement without parameters may carry several.
        this.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`, [], false);
      } catch (err) {
        // The error worth reporting is the first; a failed rollback only repeats it.
        try {
          this.end('ROLLBACK', true);
        } catch {}
        throw err;
      }
    } else this.query(`SAVEPOINT ${savepoint}`, [], false);
    this.depth++;
    let result: R;
    try {
      result = fn();
      if (result && typeof (result as { then?: unknown }).then === 'function') throw new TypeError('Transaction function cannot return a promise');
    } catch (err) {
      this.depth--;
      this.end(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`, outer);
      throw err;
    }
    this.depth--;
    this.end(outer ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`, outer);
    return result;
  }

  private end(statement: string, outer: boolean): void {
    try {
      this.query(statement, [], false);
    } finally {
      if (outer) this.inTransaction = false;
    }
  }

  private call(message: Record<string, unknown>): unknown {
    const id = ++this.calls;
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ ...message, id });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        // Its late answer would be taken for the next query's: this connection is done.
        this.open = false;
        void this.worker.terminate();
        throw new PostgresError(`PostgreSQL did not answer within ${this.timeoutMs / 1000} s`, 'timeout');
      }
      Atomics.wait(this.flag, 0, 0, Math.min(left, 100));
      // The wake-up can come before the answer is in the port's queue: look until it is.
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const reply = m.message as { id: number } & ({ ok: true; value: unknown } | { ok: false; message: string; code: string | null });
        if (reply.id !== id) continue;
        if (reply.ok) return reply.value;
        throw new PostgresError(reply.message, reply.code);
      }
    }
  }
}

/** A prepared statement with better-sqlite3's methods; `raw()` switches rows to arrays. */
export class PostgresStatement {
  private arrays = false;
  constructor(
    private readonly client: PostgresClient,
    private readonly sql: string,
  ) {}

  raw(toggle = true): this {
    this.arrays = toggle;
    return this;
  }

  run(...params: unknown[]): { changes: number; lastInsertRowid: number } {
    return { changes: this.client.query(this.sql, args(params), false).rowCount, lastInsertRowid: 0 };
  }

  all(...params: unknown[]): any[] {
    return this.client.query(this.sql, args(params), this.arrays).rows;
  }

  get(...params: unknown[]): any {
    return this.all(...params)[0];
  }

  iterate(...params: unknown[]): IterableIterator<any> {
    return this.all(...params)[Symbol.iterator]();
  }
}

/** An error from PostgreSQL, with its SQLSTATE as `code` (23505 a unique violation, …). */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'PostgresError';
  }
}

/** better-sqlite3 takes positional parameters as arguments, or one object of named ones. */
function args(params: unknown[]): unknown[] | Record<string, unknown> {
  const [first] = params;
  if (params.length === 1 && first && typeof first === 'object' && !Array.isArray(first) && !Buffer.isBuffer(first)) return first as Record<string, unknown>;
  return params;
}

function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

/** Advisory lock keys: any two numbers nothing else on the server uses. */
const WRITE_LOCK = 4_830_001;
const MIGRATION_LOCK = 4_830_002;
