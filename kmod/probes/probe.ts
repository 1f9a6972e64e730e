// A probe: its four-part name, its ID, and where it attaches in the kernel.

/** Where a probe's program attaches. */
export type AttachPoint =
  | { kind: 'dtrace'; which: 'BEGIN' | 'END' | 'ERROR' }
  | { kind: 'tracepoint'; group: string; event: string }
  | { kind: 'fbt'; func: string; module: string; ret: boolean }
  /** profile-N (every online CPU) and tick-N (one CPU): a cpu-clock perf event every `periodNs`. */
  | { kind: 'profile'; tick: boolean; periodNs: bigint }
  /** pid provider: a uprobe (uretprobe when `ret`) at `offset` in the file at `path`, for process `pid` only. */
  | { kind: 'uprobe'; pid: number; path: string; offset: number; ret: boolean }
  /**
   * proc and sched probes: a tracepoint (`raw`: a raw tracepoint by name, event = its name) whose
   * arguments and filter are DTrace's (see kmod/codegen/context-providers.ts).
   */
  | { kind: 'translated'; provider: string; name: string; group: string; event: string; raw?: boolean };

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
