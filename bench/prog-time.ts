// Time spent inside a tracer's BPF programs per run (kernel.bpf_stats_enabled): steadier than wall clocks.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { progInfoById } from '../kmod/sys/bpf.js';

const STATS = '/proc/sys/kernel/bpf_stats_enabled';

/** BPF program IDs a process holds open. */
export function progIdsOf(pid: number): number[] {
  const ids: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (!readlinkSync(`/proc/${pid}/fd/${fd}`).includes('bpf-prog')) continue;
      const m = /prog_id:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) ids.push(Number(m[1]));
    } catch {
      // the fd went away
    }
  }
  return ids;
}

/** Runs `work` with BPF statistics on and returns the ns per run of the programs `pid` holds. */
export function nsPerRun(pid: number, work: () => void): number {
  writeFileSync(STATS, '1');
  try {
    const ids = progIdsOf(pid);
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
