// The process's effective capabilities, to tell the user why tracing cannot start.
import { readFileSync } from 'node:fs';

export const CAP_SYS_ADMIN = 21n;
export const CAP_PERFMON = 38n;
export const CAP_BPF = 39n;

export function effectiveCaps(): bigint {
  const m = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? BigInt('0x' + m[1]) : 0n;
}

/** True when the process may load tracing programs (root, or CAP_BPF with CAP_PERFMON). */
export function canTrace(caps = effectiveCaps()): boolean {
  const has = (c: bigint) => ((caps >> c) & 1n) === 1n;
  return has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON));
}
