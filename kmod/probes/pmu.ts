// The kprobe and uprobe PMUs: their perf event type, and the config bit that asks for a return probe.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads a dynamic PMU's type and retprobe bit; undefined when the kernel has no such PMU. */
export function readPmu(root: string): { type: number; retBit: number } | undefined {
  let type: number;
  try {
    type = Number(readFileSync(join(root, 'type'), 'utf8'));
  } catch {
    return undefined;
  }
  let retBit = 0;
  try {
    const m = /config:(\d+)/.exec(readFileSync(join(root, 'format', 'retprobe'), 'utf8'));
    if (m) retBit = Number(m[1]);
  } catch {
    // old kernels have no format file: bit 0
  }
  return { type, retBit };
}
