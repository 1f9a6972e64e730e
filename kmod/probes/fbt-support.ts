// How fbt probes attach on this kernel (fentry/fexit, kprobes, kprobe_multi), and the choice per enabling.
import { existsSync } from 'node:fs';
import { fbtSupport } from '../features.js';
import { assemble } from '../asm/assemble.js';
import { R0, exit, mov64 } from '../asm/insn.js';
import { AttachType, ProgType, closeFd, linkCreateKprobeMultiAddrs, progLoad } from '../sys/bpf.js';
import { SysError } from '../sys/errno.js';
import type { FbtVia } from './probe.js';

export interface FbtSupport {
  /** fentry/fexit programs load here. */
  fentry: boolean;
  /** The kprobe PMU exists (perf_event_open of kprobes and kretprobes). */
  kprobes: boolean;
  /** BPF_LINK_CREATE with kprobe_multi works (Linux 5.18+ built with CONFIG_FPROBE). */
  kprobeMulti: boolean;
  /** Why fbt cannot attach at all, when neither fentry nor kprobes work. */
  reason?: string;
}

/** Enablings up to this many probes in one group use a program per probe (fentry when it can). */
export const FENTRY_MAX_GROUP = 8;

/** Without `-x maxprobes`: enablings that would attach more probes one at a time are refused. */
export const DEFAULT_MAXPROBES = 20000;

const KPROBE_PMU = '/sys/bus/event_source/devices/kprobe';

let cached: FbtSupport | undefined;

/**
 * kprobe_multi: a KPROBE program with expected_attach_type TRACE_KPROBE_MULTI loads on 5.18+, and a link
 * with no functions fails with EINVAL where fprobe is built in, EOPNOTSUPP where it is not.
 */
export function kprobeMultiWorks(): boolean {
  let fd = -1;
  try {
    fd = progLoad({
      type: ProgType.KPROBE, insns: assemble([mov64(R0, 0), exit()]).bytes, name: 'dtsh_check',
      expectedAttachType: AttachType.TRACE_KPROBE_MULTI,
    });
  } catch {
    return false;
  }
  try {
    closeFd(linkCreateKprobeMultiAddrs(fd, [], false));
    return true;
  } catch (e) {
    return e instanceof SysError && e.errnoName === 'EINVAL';
  } finally {
    closeFd(fd);
  }
}

/** What this kernel allows (detected once per process). DTSH_FBT=fentry|kprobe|multi narrows it (tests, benches). */
export function detectFbtSupport(): FbtSupport {
  if (cached) return cached;
  const f = fbtSupport();
  const kprobes = f.kprobes && existsSync(`${KPROBE_PMU}/type`);
  let s: FbtSupport = { fentry: f.fentry, kprobes, kprobeMulti: kprobes && kprobeMultiWorks(), reason: f.reason };
  const force = process.env.DTSH_FBT;
  if (force === 'kprobe') s = { ...s, fentry: false, kprobeMulti: false };
  else if (force === 'fentry') s = { ...s, kprobeMulti: false };
  else if (force === 'multi') s = { ...s, fentry: false };
  cached = s;
  return s;
}

/** A group of fbt probes that share their clauses and are all entry or all return probes. */
export interface FbtGroupFacts {
  size: number;
  /** Every function is in vmlinux, has a BTF signature fentry can take, and a unique name. */
  fentryable: boolean;
}

/**
 * The attachment for one group: a program per probe when the group is small (fentry/fexit where the
 * kernel and the functions allow it, else kprobes), else one program for the whole group (`multi`),
 * attached with kprobe_multi where the kernel has it and one kprobe per function where not.
 */
export function chooseFbtVia(g: FbtGroupFacts, s: FbtSupport): FbtVia {
  if (!s.fentry && !s.kprobes) throw new Error('fbt cannot attach here');
  if (g.size === 1) return s.fentry && g.fentryable ? 'fentry' : s.kprobes ? 'kprobe' : 'fentry';
  if (s.fentry && g.fentryable && (g.size <= FENTRY_MAX_GROUP || !s.kprobes)) return 'fentry';
  if (!s.kprobes) return 'fentry';
  return 'multi';
}

/** One line for `.load`: how fbt attaches here. */
export function describeFbtSupport(s: FbtSupport): string {
  const parts: string[] = [];
  if (s.fentry) parts.push('fentry/fexit');
  if (s.kprobes) parts.push(s.kprobeMulti ? 'kprobes, kprobe_multi for many probes' : 'kprobes (one per function: no kprobe_multi)');
  return parts.join('; ');
}
