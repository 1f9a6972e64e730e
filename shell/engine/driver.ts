// Loading "the driver": privileges and kernel features checked, the probe table built, per-provider status.
import { ProbeTable } from '../../kmod/probes/table.js';
import { checkPrivileges, fbtSupport, tracepointProblem } from '../../kmod/features.js';
import { describeFbtSupport, detectFbtSupport } from '../../kmod/probes/fbt-support.js';

export interface ProviderStatus {
  name: string;
  probes: number;
  /** How the provider attaches here, or undefined when it cannot. */
  how?: string;
  /** Why it cannot attach. */
  reason?: string;
}

export interface Driver {
  table: ProbeTable;
  status: ProviderStatus[];
}

/** Checks privileges (throws PrivilegeError) and the kernel, and counts every provider's probes. */
export function loadDriver(table = new ProbeTable()): Driver {
  checkPrivileges();
  const tp = tracepointProblem();
  const fbt = fbtSupport();
  const status: ProviderStatus[] = table.providerNames().map((name) => {
    const probes = table.countOf(name);
    switch (name) {
      case 'dtrace':
        return { name, probes, how: 'run by dtsh itself' };
      case 'syscall':
      case 'sdt':
        return tp ? { name, probes, reason: tp } : { name, probes, how: 'tracepoints' };
      case 'fbt':
        if (fbt.fentry || fbt.kprobes) return { name, probes, how: describeFbtSupport(detectFbtSupport()) };
        return { name, probes, reason: fbt.reason };
      case 'profile':
        return { name, probes, how: 'cpu-clock perf events' };
      case 'proc':
      case 'sched':
        return tp ? { name, probes, reason: tp } : { name, probes, how: 'tracepoints' };
      default:
        return { name, probes };
    }
  });
  return { table, status };
}

/** The text `.load` prints: the total, then one line per provider. */
export function formatDriverStatus(d: Driver): string {
  const total = d.status.reduce((n, s) => n + s.probes, 0);
  const lines = [`Probes available: ${total}`];
  const w = Math.max(...d.status.map((s) => String(s.probes).length));
  for (const s of d.status) {
    const what = s.how ? `ok (${s.how})` : `cannot attach: ${s.reason ?? 'unknown reason'}`;
    lines.push(`  ${s.name.padEnd(8)} ${String(s.probes).padStart(w)} probes  ${what}`);
  }
  return lines.join('\n') + '\n';
}
