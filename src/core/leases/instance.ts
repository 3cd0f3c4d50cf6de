import { hostname } from 'node:os';

/** The name an instance goes by when HERALD_INSTANCE_ID is not set. */
export const defaultInstanceId = (): string => `${hostname()}-${process.pid}`;

/**
 * Whether `holder` is a default-named instance of this machine whose process is gone: its claims
 * and leases are dead now, not after their TTL. A lone herald restarted after a crash (a new pid)
 * thus resumes at once, as it did before there were claims; another machine's holder, or one
 * named by HERALD_INSTANCE_ID, is only ever judged by its expiry.
 */
export function goneLocally(holder: string): boolean {
  const m = /^(.+)-(\d+)$/.exec(holder);
  if (!m || m[1] !== hostname() || Number(m[2]) === process.pid) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
