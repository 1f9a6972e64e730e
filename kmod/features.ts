// What this kernel lets us do: privileges, BPF, tracepoints, kprobes, fentry; each with the reason when not.
import { existsSync, readFileSync } from 'node:fs';
import { canTrace } from './sys/caps.js';
import { mapCreate, progLoad, closeFd, MapType, ProgType, AttachType } from './sys/bpf.js';
import { SysError } from './sys/errno.js';
import { perfEventOpen, perfSetBpf, PERF_TYPE_TRACEPOINT } from './sys/perf.js';
import { assemble } from './asm/assemble.js';
import { R0, exit, mov64 } from './asm/insn.js';
import { tracefsRoot } from './probes/tracefs-format.js';
import { loadKernelBtf } from './btf/kernel.js';

export class PrivilegeError extends Error {
  constructor() {
    super('DTrace requires additional privileges');
  }
}

/** Throws PrivilegeError unless we may load tracing programs. */
export function checkPrivileges(): void {
  if (!canTrace()) throw new PrivilegeError();
  try {
    closeFd(mapCreate({ type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, name: 'dtsh_probe' }));
  } catch (e) {
    if (e instanceof SysError && (e.errnoName === 'EPERM' || e.errnoName === 'EACCES')) throw new PrivilegeError();
    throw e;
  }
}

const trivial = () => assemble([mov64(R0, 0), exit()]).bytes;

/** The kernel's lockdown mode, when securityfs shows it. */
export function lockdownMode(): string | undefined {
  try {
    const m = /\[(\w+)\]/.exec(readFileSync('/sys/kernel/security/lockdown', 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

/** Undefined when tracepoint programs attach here, else why not. */
export function tracepointProblem(): string | undefined {
  const root = tracefsRoot();
  if (!root) return 'tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)';
  let prog = -1;
  let perf = -1;
  try {
    const id = Number(readFileSync(`${root}/events/syscalls/sys_enter_getppid/id`, 'utf8'));
    prog = progLoad({ type: ProgType.TRACEPOINT, insns: trivial(), name: 'dtsh_check' });
    perf = perfEventOpen({ type: PERF_TYPE_TRACEPOINT, config: BigInt(id), pid: -1, cpu: 0, disabled: true });
    perfSetBpf(perf, prog);
    return undefined;
  } catch (e) {
    return `tracepoints cannot be attached: ${(e as Error).message}`;
  } finally {
    if (perf >= 0) closeFd(perf);
    if (prog >= 0) closeFd(prog);
  }
}

/** How fbt probes can attach here: fentry/fexit, kprobes, or not at all (with the reason). */
export function fbtSupport(): { fentry: boolean; kprobes: boolean; reason?: string } {
  const kprobes = existsSync('/sys/bus/event_source/devices/kprobe/type');
  let fentry = false;
  let fentryWhy = '';
  try {
    const btf = loadKernelBtf();
    const f = btf.findFunc('vfs_read') ?? btf.findFunc('do_sys_openat2');
    if (!f) fentryWhy = 'no BTF for vfs_read';
    else {
      const fd = progLoad({
        type: ProgType.TRACING, insns: trivial(), name: 'dtsh_check', expectedAttachType: AttachType.TRACE_FENTRY,
        attachBtfId: f.id,
      });
      closeFd(fd);
      fentry = true;
    }
  } catch (e) {
    fentryWhy = e instanceof SysError ? e.errnoName : (e as Error).message;
  }
  if (fentry || kprobes) return { fentry, kprobes };
  const lockdown = lockdownMode();
  const why = fentryWhy === 'EPERM' && lockdown && lockdown !== 'none' ? `lockdown: ${lockdown}` : fentryWhy;
  return { fentry, kprobes, reason: `the kernel has no kprobes and refuses fentry (${why})` };
}
