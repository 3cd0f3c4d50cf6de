import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** What the figures were taken on. */
export function machine() {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: the model stays unknown
  }
  return { nproc: availableParallelism(), memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, cpu };
}
