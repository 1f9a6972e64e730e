// Timing of probe completion: runs prefixes through an index and reports latency percentiles.
import type { ProbeCompleteOptions, ProbeIndex } from './probe-index.js';

export interface BenchResult {
  calls: number;
  /** Milliseconds per call. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Prefixes a user types, from broad to narrow, on a table with the usual providers. */
export const BENCH_PREFIXES: readonly string[] = [
  '', 's', 'sys', 'syscall:', 'syscall::', 'syscall::open', 'syscall::openat:', 'syscall:vmlinux:read',
  'sdt:', 'sdt:sched', 'sdt:sched:', 'sdt:sched::sched_sw', 'fbt:', 'fbt::', 'fbt::v', 'fbt::vfs_', 'fbt::vfs_r',
  'fbt::vfs_read:', 'fbt:vmlinux:tcp_', 'fbt:kernel:do_sys', 'fbt::vfs_*:', 'fbt::*read*:', 'fbt:::', ':::',
  '::open', 'fbt::*_read', 'dtrace:', 'BEG', 'sched_sw',
];

/** Completes every prefix `rounds` times (after one warm-up pass) and returns the latency distribution. */
export function benchCompletion(
  index: ProbeIndex,
  prefixes: readonly string[] = BENCH_PREFIXES,
  rounds = 20,
  opts: ProbeCompleteOptions = {},
): BenchResult {
  for (const p of prefixes) index.complete(p, opts);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of prefixes) {
      const t0 = performance.now();
      index.complete(p, opts);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  const mean = times.reduce((s, t) => s + t, 0) / (times.length || 1);
  return { calls: times.length, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? 0, mean };
}
