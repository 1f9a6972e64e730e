// Attaching profile/tick (cpu-clock perf events), pid (uprobes) and proc/sched (tracepoints) programs.
import { readPmu } from './pmu.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeFd, rawTracepointOpen } from '../sys/bpf.js';
import { SysError } from '../sys/errno.js';
import {
  PERF_COUNT_SW_CPU_CLOCK, PERF_TYPE_SOFTWARE, PERF_TYPE_TRACEPOINT, cString, perfEnable, perfEventOpen, perfSetBpf,
  type PerfEventSpec,
} from '../sys/perf.js';
import { tracefsRoot } from './tracefs-format.js';
import type { AttachPoint } from './probe.js';

/** Raised when a probe cannot be attached here; the message says why. */
export class ProviderAttachError extends Error {}

/** The CPUs in a sysfs CPU list such as `0-3,6`. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const [lo, hi] = part.split('-').map(Number);
    for (let c = lo; c <= (hi ?? lo); c++) out.push(c);
  }
  return out;
}

export function onlineCpus(): number[] {
  return parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
}

/** Opens perf events, gives each the program and enables them; closes them all if one fails. */
function openAll(specs: PerfEventSpec[], progFd: number): number[] {
  const fds: number[] = [];
  try {
    for (const spec of specs) {
      const fd = perfEventOpen({ ...spec, disabled: true });
      fds.push(fd);
      perfSetBpf(fd, progFd);
    }
    for (const fd of fds) perfEnable(fd);
    return fds;
  } catch (e) {
    for (const fd of fds) closeFd(fd);
    throw e;
  }
}

function closer(fds: number[]): () => void {
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    for (const fd of fds) closeFd(fd);
  };
}

/**
 * profile-N: a cpu-clock event on every online CPU; tick-N: one, on the first online CPU (DTrace's
 * tick may fire on any one CPU). Each fires every `periodNs` nanoseconds of that CPU's clock, idle or not.
 */
export function attachProfile(a: Extract<AttachPoint, { kind: 'profile' }>, progFd: number): () => void {
  const cpus = onlineCpus();
  // tick: the first online CPU. (Sampling cpu-clock events of an idle CPU were seen not to fire here,
  // while the first CPU, which keeps the kernel's timekeeping, always does.)
  const chosen = a.tick ? [cpus[0]] : cpus;
  const specs = chosen.map((cpu) => ({
    type: PERF_TYPE_SOFTWARE, config: BigInt(PERF_COUNT_SW_CPU_CLOCK), sample: a.periodNs, pid: -1, cpu,
  }));
  return closer(openAll(specs, progFd));
}

const UPROBE_PMU = '/sys/bus/event_source/devices/uprobe';

/** The uprobe PMU's perf type and the config bit that makes a uretprobe. */
export function uprobePmu(root = UPROBE_PMU): { type: number; retBit: number } {
  const pmu = readPmu(root);
  if (!pmu) throw new ProviderAttachError('this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe): pid provider probes cannot attach');
  return pmu;
}

/** A uprobe (or uretprobe) on the function's file offset, for one process only (the perf event's pid). */
export function attachUprobe(a: Extract<AttachPoint, { kind: 'uprobe' }>, progFd: number): () => void {
  const pmu = uprobePmu();
  const path = cString(a.path);
  try {
    return closer(openAll([{
      type: pmu.type, config: a.ret ? 1n << BigInt(pmu.retBit) : 0n, config1: path.addr, config2: BigInt(a.offset),
      pid: a.pid, cpu: -1, keep: [path.buf],
    }], progFd));
  } catch (e) {
    if (e instanceof SysError && e.errnoName === 'ESRCH') throw new ProviderAttachError(`process ${a.pid} has exited`);
    throw e;
  }
}

/** proc and sched probes: a tracepoint through a perf event, or a raw tracepoint through a BPF link. */
export function attachTranslated(a: Extract<AttachPoint, { kind: 'translated' }>, progFd: number): () => void {
  if (a.raw) {
    let fd: number;
    try {
      fd = rawTracepointOpen(a.event, progFd);
    } catch (e) {
      if (e instanceof SysError && e.errnoName === 'ENOENT') {
        throw new ProviderAttachError(`${a.provider}:::${a.name} needs the ${a.event} raw tracepoint, which this kernel does not have (it is recent)`);
      }
      throw e;
    }
    return closer([fd]);
  }
  const root = tracefsRoot();
  if (!root) throw new ProviderAttachError('tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)');
  const id = Number(readFileSync(join(root, 'events', a.group, a.event, 'id'), 'utf8'));
  return closer(openAll([{ type: PERF_TYPE_TRACEPOINT, config: BigInt(id), pid: -1, cpu: 0 }], progFd));
}
