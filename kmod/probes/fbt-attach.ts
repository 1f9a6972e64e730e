// Attaching fbt programs: fentry/fexit links, kprobes through the kprobe PMU, and a group's program on
// all its functions (one kprobe_multi link, else one kprobe per function), each with its cookie.
import { readPmu } from './pmu.js';
import {
  AttachType, closeFd, linkCreateKprobeMulti, linkCreateKprobeMultiAddrs, linkCreatePerfEvent, linkCreateTracing,
} from '../sys/bpf.js';
import { SysError } from '../sys/errno.js';
import { cString, perfEnable, perfEventOpen, perfSetBpf } from '../sys/perf.js';
import { ambiguous, ftraceSites, functionAddresses } from './fbt-functions.js';
import { detectFbtSupport } from './fbt-support.js';
import { probeName, type AttachPoint, type Probe } from './probe.js';

type FbtAttach = Extract<AttachPoint, { kind: 'fbt' }>;

/** An fbt probe the kernel would not attach; the message names it and says why. */
export class FbtAttachError extends Error {}

const KPROBE_PMU = '/sys/bus/event_source/devices/kprobe';

/** The kprobe PMU's perf type and the config bit that makes a kretprobe. */
export function kprobePmu(root = KPROBE_PMU): { type: number; retBit: number } {
  const pmu = readPmu(root);
  if (!pmu) throw new FbtAttachError('this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe): fbt probes cannot attach as kprobes');
  return pmu;
}

function why(e: unknown): string {
  if (e instanceof SysError) {
    const hint: Record<string, string> = {
      EADDRNOTAVAIL: 'several kernel functions have this name',
      ENOENT: 'no such kernel function',
      EINVAL: 'the kernel does not allow probing it',
      EBUSY: 'it is busy (another tracer holds it exclusively)',
    };
    return `${hint[e.errnoName] ?? e.message.replace(/^[^:]*: /, '')} (${e.errnoName})`;
  }
  return (e as Error).message;
}

function fail(p: Probe, how: string, e: unknown): never {
  throw new FbtAttachError(`could not enable ${probeName(p)}: ${how}: ${why(e)}`);
}

/** Where a function's kprobes go: by name, or by address for every copy of an ambiguous name. */
interface Target {
  name?: string;
  addr?: bigint;
}

/**
 * For kprobes: module functions as MODULE:FUNC. For kprobe_multi (`multi`): plain names (the kernel looks
 * modules up too), and ambiguous names by their ftrace call sites, which need no /proc/kallsyms.
 */
function targets(probes: Probe[], multi = false): Target[][] {
  const amb = probes.map((p) => ambiguous(p.module, p.func));
  const lookup = multi ? ftraceSites : functionAddresses;
  const addrs = amb.some(Boolean) ? lookup(probes.filter((_, i) => amb[i]).map((p) => ({ module: p.module, func: p.func }))) : new Map();
  return probes.map((p, i) => {
    if (!amb[i]) return [{ name: p.module === 'vmlinux' || multi ? p.func : `${p.module}:${p.func}` }];
    const list = addrs.get(`${p.module}:${p.func}`) as bigint[] | undefined;
    return list?.length ? list.map((addr) => ({ addr })) : [{ name: p.func }];
  });
}

/** Opens one kprobe (kretprobe) perf event; returns its fd. */
function openKprobe(pmu: { type: number; retBit: number }, t: Target, ret: boolean): number {
  const name = t.name !== undefined ? cString(t.name) : undefined;
  return perfEventOpen({
    type: pmu.type, config: ret ? 1n << BigInt(pmu.retBit) : 0n,
    config1: name?.addr ?? 0n, config2: t.addr ?? 0n, pid: -1, cpu: 0, keep: name ? [name.buf] : [],
  });
}

function closer(fds: number[]): () => void {
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    // the BPF links first (the programs stop), then the perf events (the kprobes go)
    for (let i = fds.length - 1; i >= 0; i--) closeFd(fds[i]);
  };
}

/** Attaches an fbt program as compilation arranged it (kmod/codegen/fbt-arrange.ts); returns its detacher. */
export function attachFbt(probe: Probe, progFd: number): () => void {
  const a = probe.attach as FbtAttach;
  const s = detectFbtSupport();
  if (!s.fentry && !s.kprobes) throw new FbtAttachError(`cannot enable fbt probes: ${s.reason ?? 'the kernel has no kprobes and refuses fentry'}`);
  if (a.via === 'fentry') {
    try {
      return closer([linkCreateTracing(progFd, a.ret ? AttachType.TRACE_FEXIT : AttachType.TRACE_FENTRY)]);
    } catch (e) {
      return fail(probe, a.ret ? 'fexit' : 'fentry', e);
    }
  }
  if (a.group) return a.group.multiLink ? attachMulti(probe, progFd) : attachEach(a.group.probes, a.ret, progFd);
  // One kprobe (or one per copy of an ambiguous name), the program set on each.
  const pmu = kprobePmu();
  const fds: number[] = [];
  try {
    for (const t of targets([probe])[0]) {
      let fd: number;
      try {
        fd = openKprobe(pmu, t, a.ret);
      } catch (e) {
        fail(probe, a.ret ? 'kretprobe' : 'kprobe', e);
      }
      fds.push(fd);
      perfSetBpf(fd, progFd);
      perfEnable(fd);
    }
  } catch (e) {
    closer(fds)();
    throw e;
  }
  return closer(fds);
}

/** A group's program on each function: a kprobe each, linked with the member's index as cookie. */
function attachEach(probes: Probe[], ret: boolean, progFd: number): () => void {
  const pmu = kprobePmu();
  const perf: number[] = [];
  const links: number[] = [];
  try {
    const all = targets(probes);
    all.forEach((ts, k) => {
      for (const t of ts) {
        let fd: number;
        try {
          fd = openKprobe(pmu, t, ret);
        } catch (e) {
          fail(probes[k], ret ? 'kretprobe' : 'kprobe', e);
        }
        perf.push(fd);
        try {
          links.push(linkCreatePerfEvent(progFd, fd, BigInt(k)));
        } catch (e) {
          fail(probes[k], 'linking the program to its kprobe', e);
        }
      }
    });
  } catch (e) {
    closer([...perf, ...links])();
    throw e;
  }
  return closer([...perf, ...links]);
}

/** A group's program on all functions at once: kprobe_multi by name, and by address for ambiguous names. */
function attachMulti(probe: Probe, progFd: number): () => void {
  const a = probe.attach as FbtAttach;
  const probes = a.group!.probes;
  const syms: string[] = [];
  const symCookies: bigint[] = [];
  const addrs: bigint[] = [];
  const addrCookies: bigint[] = [];
  targets(probes, true).forEach((ts, k) => {
    for (const t of ts) {
      if (t.addr !== undefined) {
        addrs.push(t.addr);
        addrCookies.push(BigInt(k));
      } else {
        syms.push(t.name!);
        symCookies.push(BigInt(k));
      }
    }
  });
  const fds: number[] = [];
  try {
    if (syms.length) fds.push(linkCreateKprobeMulti(progFd, syms, a.ret, symCookies));
    if (addrs.length) fds.push(linkCreateKprobeMultiAddrs(progFd, addrs, a.ret, addrCookies));
  } catch (e) {
    closer(fds)();
    const desc = `fbt:${a.module}::${a.ret ? 'return' : 'entry'}`;
    throw new FbtAttachError(`could not enable ${probes.length} probes like ${desc}: kprobe_multi: ${why(e)}`);
  }
  return closer(fds);
}
