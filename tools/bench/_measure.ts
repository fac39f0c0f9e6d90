/** Shared timing helpers of the benchmarks (the `_` prefix keeps run-all from running this file). */
import { readFileSync } from 'node:fs';

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Milliseconds one call takes. */
export function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function timedAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** CPU time (user + system, ms) of the waited-for child processes so far (Linux, 10 ms resolution). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/**
 * Wall time and the CPU time of the child processes one synchronous call ran (spawnSync...): on a loaded
 * machine the CPU time varies less than the wall time.
 */
export function timedChildren(fn: () => void): { wall: number; cpu: number } {
  const c0 = childrenCpuMs();
  const wall = timed(fn);
  return { wall, cpu: childrenCpuMs() - c0 };
}
