/**
 * Every request an emulator received, in arrival order, for assertions and the sandbox's views.
 * `emit` is told 'request' when one arrives and 'response' once it is answered, or held
 * unanswered by a fault: a record's status is known from 'response' on.
 */
export class Recorder<R extends { seq: number; status?: number }> {
  readonly requests: R[] = [];
  private seq = 0;

  constructor(private readonly emit: (event: 'request' | 'response', record: R) => void) {}

  arrived(fields: Omit<R, 'seq'>): R {
    const record = { seq: ++this.seq, ...fields } as R;
    this.requests.push(record);
    this.emit('request', record);
    return record;
  }

  /** The record is final: answered with `status`, or never to be answered when it is undefined. */
  settled(record: R, status?: number): void {
    if (status !== undefined) record.status = status;
    this.emit('response', record);
  }

  /** "POST /2/tweets → 429" for the last few requests, for failure messages. */
  tail(describe: (r: R) => string, count = 5): string {
    const last = this.requests.slice(-count);
    if (last.length === 0) return 'no requests arrived';
    const lines = last.map((r) => `${describe(r)} → ${r.status ?? 'unanswered'}`);
    return `the last ${last.length} of ${this.requests.length} requests: ${lines.join('; ')}`;
  }
}
