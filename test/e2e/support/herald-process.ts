import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from '../../support/config';
import { isPostgresUrl } from '../../../src/store/db';

const BIN = 'bin/herald.mjs';
const READY_WITHIN_MS = 30_000;

/** `herald start` as a child process, exactly as an operator runs it. */
export interface HeraldProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it logged (pino JSON lines on stderr), for failure messages. */
  logs: string[];
  /** Resolves once herald logged "herald started" (every platform connected); rejects if it exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: the crash. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `dbPath` is the SQLite file, or a postgres:// URL (given as HERALD_DATABASE_URL). */
export function spawnHerald(env: Record<string, string>, opts: { dbPath: string; logLevel?: string; nodeArgs?: string[] }): HeraldProcess {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, 'start'], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...databaseEnv(opts.dbPath), HERALD_LOG_LEVEL: opts.logLevel ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test or benchmark that dies must not leave herald running, connected to nothing.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  const logs: string[] = [];
  let started = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const ready = new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`herald did not start within ${READY_WITHIN_MS / 1000} s:\n${tail(logs)}`)), READY_WITHIN_MS);
    let partial = '';
    const onData = (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        if (!started && line.includes('"herald started"')) {
          started = true;
          clearTimeout(timer);
          res();
        }
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (!started) rej(new Error(`herald exited (${code ?? signal}) before it started:\n${tail(logs)}`));
    });
  });
  // A failed start is reported through `ready`; nobody else needs to see the rejection.
  ready.catch(() => undefined);
  return {
    child,
    pid: child.pid!,
    logs,
    ready,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

const tail = (logs: string[]) => logs.slice(-15).join('\n');

/** How herald is told where its database is: a SQLite file, or PostgreSQL's URL. */
const databaseEnv = (location: string): Record<string, string> => (isPostgresUrl(location) ? { HERALD_DATABASE_URL: location } : { HERALD_DB_PATH: location });

/** `herald audit verify` on a database (a SQLite file or a postgres:// URL), through the real binary; bounded. */
export function auditVerify(dbPath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, 'audit', 'verify'], {
      cwd: ROOT,
      env: { ...process.env, ...databaseEnv(dbPath), HERALD_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

/** Resident memory of a live process, from /proc (Linux). */
export function rssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}
