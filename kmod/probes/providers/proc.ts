// The proc and sched providers (DTrace's stable process and scheduling probes) on kernel tracepoints.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tracefsRoot } from '../tracefs-format.js';
import type { Probe } from '../probe.js';
import type { Provider } from './provider.js';

interface Mapping {
  name: string;
  group: string;
  event: string;
  /** A raw tracepoint (no tracefs event; attached by name). */
  raw?: boolean;
}

/**
 * proc:::create    task:task_newtask, clone without CLONE_THREAD; in the parent; arg0 = the child's pid
 * proc:::exec      sched:sched_prepare_exec, before the new image replaces the old; args[0] = the path
 * proc:::exec-success  sched:sched_process_exec, in the new image
 * proc:::exit      sched:sched_process_exit when the whole process is gone (group_dead); arg0 = CLD_* reason
 */
export const PROC_PROBES: readonly Mapping[] = [
  { name: 'create', group: 'task', event: 'task_newtask' },
  { name: 'exec', group: 'sched', event: 'sched_prepare_exec' },
  { name: 'exec-success', group: 'sched', event: 'sched_process_exec' },
  { name: 'exit', group: 'sched', event: 'sched_process_exit' },
];

/**
 * sched:::off-cpu  sched:sched_switch, in the thread leaving the CPU; arg0 = the next thread's ID
 * sched:::on-cpu   the sched_exit_tp raw tracepoint (recent kernels) at the end of __schedule() when a
 *                  switch happened: in the thread that has just come back on the CPU
 */
export const SCHED_PROBES: readonly Mapping[] = [
  { name: 'off-cpu', group: 'sched', event: 'sched_switch' },
  { name: 'on-cpu', group: '', event: 'sched_exit_tp', raw: true },
];

function provider(name: string, probes: readonly Mapping[]): Provider {
  return {
    name,
    names: probes.map((p) => p.name),
    list(firstId: number): Probe[] {
      const root = tracefsRoot();
      const out: Probe[] = [];
      for (const p of probes) {
        if (!p.raw && (!root || !existsSync(join(root, 'events', p.group, p.event)))) continue;
        out.push({
          id: firstId + out.length, provider: name, module: 'vmlinux', func: '', name: p.name,
          attach: { kind: 'translated', provider: name, name: p.name, group: p.group, event: p.event, ...(p.raw ? { raw: true } : {}) },
        });
      }
      return out;
    },
  };
}

export const procProvider: Provider = provider('proc', PROC_PROBES);
export const schedProvider: Provider = provider('sched', SCHED_PROBES);
