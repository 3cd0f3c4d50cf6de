import pino, { type Logger } from 'pino';
import { createRequire } from 'node:module';
import { redact, redactDeep } from './redact';

/**
 * Structured logs (pino) with every registered secret scrubbed, in messages and in objects:
 * platform libraries put tokens in URLs and in the errors they throw. JSON on stderr, for a log
 * collector; readable lines when a person runs herald in a terminal. The pretty printer is a
 * stream in this process (not a transport thread), so it only ever sees the scrubbed lines. It is
 * loaded only for a terminal: a service writing JSON would hold its modules in memory for nothing.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: { log: (obj) => redactDeep(obj) },
      // Our own: pino's would copy every enumerable field of an error, request and headers included.
      serializers: { err: (e: unknown) => redactDeep(e) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? (process.stdout.isTTY ? prettyStream()({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }) : pino.destination(2)),
  );
}

export type { Logger };

const prettyStream = (): typeof import('pino-pretty') => createRequire(import.meta.url)('pino-pretty');
