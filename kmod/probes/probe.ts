// A probe: its four-part name, its ID, and where it attaches in the kernel.

/** Where a probe's program attaches. */
export type AttachPoint =
  | { kind: 'dtrace'; which: 'BEGIN' | 'END' | 'ERROR' }
  | { kind: 'tracepoint'; group: string; event: string }
  | { kind: 'fbt'; func: string; module: string; ret: boolean };

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
