// The syscall provider: entry and return of every system call with a syscalls:sys_enter_/sys_exit_ tracepoint.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tracefsRoot } from '../tracefs-format.js';
import type { Probe } from '../probe.js';
import type { Provider } from './provider.js';

/** The system call names that have both tracepoints, sorted. */
export function syscallNames(): string[] {
  const root = tracefsRoot();
  if (!root) return [];
  let entries: string[];
  try {
    entries = readdirSync(join(root, 'events', 'syscalls'));
  } catch {
    return [];
  }
  const set = new Set(entries);
  return entries
    .filter((e) => e.startsWith('sys_enter_') && set.has('sys_exit_' + e.slice(10)))
    .map((e) => e.slice(10))
    .sort();
}

export const syscallProvider: Provider = {
  name: 'syscall',
  names: ['entry', 'return'],
  list(firstId: number): Probe[] {
    const out: Probe[] = [];
    let id = firstId;
    for (const fn of syscallNames()) {
      out.push({ id: id++, provider: 'syscall', module: 'vmlinux', func: fn, name: 'entry',
        attach: { kind: 'tracepoint', group: 'syscalls', event: 'sys_enter_' + fn } });
      out.push({ id: id++, provider: 'syscall', module: 'vmlinux', func: fn, name: 'return',
        attach: { kind: 'tracepoint', group: 'syscalls', event: 'sys_exit_' + fn } });
    }
    return out;
  },
};
