// Time spent inside a tracer's BPF programs per run (kernel.bpf_stats_enabled): steadier than wall clocks.
import { readFileSync, writeFileSync } from 'node:fs';
import { bpfProgIds } from '../test/helpers/proc-fds.js';
import { progInfoById } from '../kmod/sys/bpf.js';

const STATS = '/proc/sys/kernel/bpf_stats_enabled';

/** Runs `work` with BPF statistics on and returns the ns per run of the programs `pid` holds. */
export function nsPerRun(pid: number, work: () => void): number {
  writeFileSync(STATS, '1');
  try {
    const ids = bpfProgIds(pid);
    const before = ids.map((id) => progInfoById(id));
    work();
    let ns = 0n;
    let runs = 0n;
    ids.forEach((id, i) => {
      const a = before[i];
      const b = progInfoById(id);
      if (!a || !b) return;
      ns += b.runTimeNs - a.runTimeNs;
      runs += b.runCount - a.runCount;
    });
    return runs ? Number(ns) / Number(runs) : NaN;
  } finally {
    writeFileSync(STATS, '0');
  }
}
