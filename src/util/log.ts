import pino, { type Logger } from 'pino';
import { redact, redactDeep } from './redact';

/**
 * Structured logs (pino) with every registered secret scrubbed, in messages and in objects:
 * platform libraries put tokens in URLs and in the errors they throw.
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
    destination ?? pino.destination(2),
  );
}

export type { Logger };
