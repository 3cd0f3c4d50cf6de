// The PostgreSQL connection behind ./client.ts, on its own thread. The core's store is
// synchronous (one code path for both engines, and a transaction that can never interleave with
// another task of the same process), so the main thread sends each query here and waits on a
// shared flag; this thread runs it with `pg` and wakes the main thread with the answer.
// Plain JavaScript: a worker thread gets no TypeScript loader under vitest or node.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

// Rows read as SQLite gives them: counts and sums as numbers, truth values as 0/1.
const types = {
  getTypeParser(oid, format) {
    if (oid === 20 || oid === 1700) return (v) => (v === null ? null : Number(v));
    if (oid === 16) return (v) => (v === null ? null : v === 't' ? 1 : 0);
    return pg.types.getTypeParser(oid, format);
  },
};

const { url, flag: shared, port } = workerData;
const flag = new Int32Array(shared);
/** @type {pg.Client | undefined} */
let client;

function answer(reply) {
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function failure(err) {
  const e = /** @type {any} */ (err);
  return { ok: false, message: String(e?.message ?? e), code: e?.code ?? null };
}

async function connect() {
  client = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 10_000 });
  // A dropped connection surfaces on the next query; without a listener it would end the process.
  client.on('error', () => {});
  await client.connect();
}

async function handle(msg) {
  switch (msg.op) {
    case 'connect':
      await connect();
      return null;
    case 'migrate': {
      // Two instances starting together: one migrates, the other waits and finds nothing to do.
      await client.query('SELECT pg_advisory_lock($1)', [msg.lock]);
      try {
        await migrate(drizzle(client), { migrationsFolder: msg.folder });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [msg.lock]);
      }
      return null;
    }
    case 'query': {
      const r = await client.query({ text: msg.sql, values: msg.params, rowMode: msg.arrays ? 'array' : undefined });
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return { rows: last.rows ?? [], rowCount: last.rowCount ?? 0 };
    }
    case 'end':
      await client?.end().catch(() => {});
      client = undefined;
      return null;
    default:
      throw new Error(`unknown operation ${msg.op}`);
  }
}

parentPort.on('message', (msg) => {
  handle(msg).then(
    (value) => answer({ id: msg.id, ok: true, value }),
    (err) => answer({ id: msg.id, ...failure(err) }),
  );
});
