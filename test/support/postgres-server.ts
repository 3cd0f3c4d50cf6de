import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server this run started: its admin URL, without a database name. */
    postgresServer: string;
  }
}

const SCRIPT = fileURLToPath(new URL('./postgres-process.mjs', import.meta.url));

/**
 * A real PostgreSQL, run by ./postgres-process.mjs in a process of its own; resolves once it
 * accepts connections. `stop()` ends it (so does this process ending: the server's process
 * watches its stdin). The benchmark starts one the same way.
 */
export function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`PostgreSQL did not start (exit ${code}): ${err.trim()}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        stop: async () => {
          child.stdin!.end();
          await exited;
        },
      });
    });
  });
}

/**
 * vitest's global setup for the `postgres` project: one server for the run; each test takes a
 * database of its own on it (./postgres.ts).
 */
export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide('postgresServer', server.url);
  return () => server.stop();
}
