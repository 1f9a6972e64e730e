// A realistic small probe table for completion tests: ~1,900 probes shaped as the real providers make them.
import { existsSync } from 'node:fs';
import type { Probe } from '../../kmod/probes/probe.js';
import type { Provider } from '../../kmod/probes/providers/provider.js';
import { ProbeTable } from '../../kmod/probes/table.js';
import { MODULE_FUNCS, OTHER_FUNCS, SDT_EVENTS, SYSCALLS, VFS_FUNCS } from './fixture-names.js';

const dtrace: Provider = {
  name: 'dtrace',
  names: ['BEGIN', 'END', 'ERROR'],
  list: (firstId) => (['BEGIN', 'END', 'ERROR'] as const).map((which, i) => ({
    id: firstId + i, provider: 'dtrace', module: '', func: '', name: which, attach: { kind: 'dtrace', which },
  })),
};

const syscall: Provider = {
  name: 'syscall',
  names: ['entry', 'return'],
  list(firstId) {
    let id = firstId;
    return SYSCALLS.flatMap((fn): Probe[] => [
      { id: id++, provider: 'syscall', module: 'vmlinux', func: fn, name: 'entry',
        attach: { kind: 'tracepoint', group: 'syscalls', event: 'sys_enter_' + fn } },
      { id: id++, provider: 'syscall', module: 'vmlinux', func: fn, name: 'return',
        attach: { kind: 'tracepoint', group: 'syscalls', event: 'sys_exit_' + fn } },
    ]);
  },
};

const sdt: Provider = {
  name: 'sdt',
  list(firstId) {
    let id = firstId;
    return Object.keys(SDT_EVENTS).sort().flatMap((group) => SDT_EVENTS[group].map((event): Probe => (
      { id: id++, provider: 'sdt', module: group, func: '', name: event, attach: { kind: 'tracepoint', group, event } })));
  },
};

/** vmlinux first, then the modules, each module's functions sorted, entry then return. */
const fbt: Provider = {
  name: 'fbt',
  names: ['entry', 'return'],
  list(firstId) {
    let id = firstId;
    const modules: [string, readonly string[]][] = [['vmlinux', [...VFS_FUNCS, ...OTHER_FUNCS].sort()], ...Object.entries(MODULE_FUNCS)];
    return modules.flatMap(([module, funcs]) => funcs.flatMap((func): Probe[] => [
      { id: id++, provider: 'fbt', module, func, name: 'entry', attach: { kind: 'fbt', func, module, ret: false } },
      { id: id++, provider: 'fbt', module, func, name: 'return', attach: { kind: 'fbt', func, module, ret: true } },
    ]));
  },
};

/** The fixture's providers, in the probe table's order. */
export const fixtureProviders = (): Provider[] => [dtrace, syscall, sdt, fbt];

export const fixtureTable = (): ProbeTable => new ProbeTable(fixtureProviders());

/** Why the live probe table cannot be loaded here, or undefined when it can. */
export function liveSkipReason(): string | undefined {
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'no /sys/kernel/btf/vmlinux: this kernel has no BTF, so no fbt probes';
  return undefined;
}
