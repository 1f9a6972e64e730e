// A probe: its four-part name, its ID, and where it attaches in the kernel.

/** Where a probe's program attaches. */
export type AttachPoint =
  | { kind: 'dtrace'; which: 'BEGIN' | 'END' | 'ERROR' }
  | { kind: 'tracepoint'; group: string; event: string }
  /**
   * fbt: entry or return of a kernel function. `via` and `group` are set by compilation (kmod/codegen/fbt-arrange.ts):
   * fentry/fexit, a kprobe, or one program for a whole group of functions (`group`, see FbtGroup).
   */
  | { kind: 'fbt'; func: string; module: string; ret: boolean; via?: FbtVia; group?: FbtGroup }
  /** profile-N (every online CPU) and tick-N (one CPU): a cpu-clock perf event every `periodNs`. */
  | { kind: 'profile'; tick: boolean; periodNs: bigint }
  /**
   * pid provider: a uprobe (uretprobe when `ret`) at `offset` in the file at `path`, for process `pid` only;
   * `execIno`: a -c command not yet exec'd, whose probes fire only once it runs the executable with that inode.
   */
  | { kind: 'uprobe'; pid: number; path: string; offset: number; ret: boolean; execIno?: bigint }
  /**
   * proc and sched probes: a tracepoint (`raw`: a raw tracepoint by name, event = its name) whose
   * arguments and filter are DTrace's (see kmod/codegen/context-providers.ts).
   */
  | { kind: 'translated'; provider: string; name: string; group: string; event: string; raw?: boolean };

/** How an fbt probe's program attaches: fentry/fexit (a TRACING program), or a kprobe program. */
export type FbtVia = 'fentry' | 'kprobe' | 'multi';

/**
 * One kprobe program for many fbt probes (same clauses, all entry or all return): attached with
 * kprobe_multi when `multiLink`, else one kprobe per function; each attachment's BPF cookie is the
 * member's index in `probes`, from which the program finds its EPID, probe ID and probefunc.
 */
export interface FbtGroup {
  probes: Probe[];
  multiLink: boolean;
}

export interface Probe {
  id: number;
  provider: string;
  module: string;
  func: string;
  name: string;
  attach: AttachPoint;
}

/** `provider:module:function:name` */
export const probeName = (p: Probe): string => `${p.provider}:${p.module}:${p.func}:${p.name}`;
