import type { Fault, FaultMatch } from './types';

interface Armed {
  match: FaultMatch;
  fault: Fault;
  remaining: number;
}

/** Faults armed by tests, consumed first-in first-out by matching requests. */
export class FaultQueue {
  private armed: Armed[] = [];

  add(match: FaultMatch, fault: Fault, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
    this.armed.push({ match, fault, remaining: times });
  }

  /** The first armed fault matching this request, counted as used. */
  take(method: string, path: string): Fault | undefined {
    const i = this.armed.findIndex((a) => matches(a.match, method, path));
    if (i === -1) return undefined;
    const a = this.armed[i]!;
    a.remaining -= 1;
    if (a.remaining === 0) this.armed.splice(i, 1);
    return a.fault;
  }

  clear(): void {
    this.armed = [];
  }
}

function matches(m: FaultMatch, method: string, path: string): boolean {
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.path === undefined) return true;
  if (typeof m.path === 'string') return m.path === path;
  m.path.lastIndex = 0;
  return m.path.test(path);
}
