/**
 * Failures armed by a test or the sandbox's fault panel. Each is used by the next `times`
 * requests it matches, the first armed first; what a fault does is each platform's own.
 */
export class FaultQueue<Match, Fault> {
  private armed: Array<{ match: Match; fault: Fault; remaining: number }> = [];

  /** `times` is a whole number of uses, or Infinity for "until cleared". */
  add(match: Match, fault: Fault, times = 1): void {
    if (times !== Infinity && !(Number.isInteger(times) && times >= 1)) {
      throw new RangeError(`times must be a positive whole number or Infinity, not ${times}`);
    }
    this.armed.push({ match, fault, remaining: times });
  }

  /** The first armed fault whose match the request fits, counted as used. */
  take(fits: (match: Match) => boolean): Fault | undefined {
    const i = this.armed.findIndex((a) => fits(a.match));
    if (i === -1) return undefined;
    const armed = this.armed[i]!;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed.splice(i, 1);
    return armed.fault;
  }

  clear(): void {
    this.armed = [];
  }
}

/** Which HTTP requests a fault applies to; what is left out matches anything. */
export interface RouteMatch {
  method?: string;
  /** The exact path (no query), or a pattern tested against it. */
  path?: string | RegExp;
}

export function routeFits(match: RouteMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return match.path === path;
  match.path.lastIndex = 0; // a /g pattern would otherwise remember where it last matched
  return match.path.test(path);
}
