// Probe contexts of the profile, pid, proc and sched providers: program types, arg0..argN, and the
// filters that keep only the firings a probe stands for (proc:::exit of the last thread, ...).
import { R0, R1, R2, R3, R10, alu32, alu64, call, ja, jmp, ldImm64, ldx, mov64, st, type Reg } from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import { ProgType } from '../sys/bpf.js';
import type { AttachPoint } from '../probes/probe.js';
import { readEventFormat, type EventField } from '../probes/tracefs-format.js';
import { int32, int64, type DType } from '../../d/types.js';
import type { KernelTypes } from '../../d/kernel-types.js';
import { fieldType } from './field-types.js';
import { CTX_SLOT } from './frame.js';
import type { ProbeContext } from './context.js';
import type { Emitter } from './emitter.js';

/** Offsets in struct pt_regs (the uprobe context, and the start of struct bpf_perf_event_data). */
interface RegsLayout {
  /** Where the first six integer arguments are at function entry. */
  args: number[];
  ret: number;
  pc: number;
  /** A field that tells user mode from kernel mode: cs (x86-64: low two bits = 3) or pstate (arm64: EL0). */
  mode: number;
  userMode: (e: Emitter, r: Reg, user: string) => void;
}

const X86_64: RegsLayout = {
  // rdi rsi rdx rcx r8 r9
  args: [112, 104, 96, 88, 72, 64],
  ret: 80, // rax
  pc: 128, // rip
  mode: 136, // cs
  userMode: (e, r, user) => e.emit(alu64('and', r, 3), jmp('jne', r, 0, user)),
};

const ARM64: RegsLayout = {
  // x0..x5 (regs[0..30], sp, pc, pstate)
  args: [0, 8, 16, 24, 32, 40],
  ret: 0,
  pc: 256,
  mode: 264,
  userMode: (e, r, user) => e.emit(alu64('and', r, 0xf), jmp('jeq', r, 0, user)),
};

export function regsLayout(arch = process.arch): RegsLayout {
  if (arch === 'x64') return X86_64;
  if (arch === 'arm64') return ARM64;
  throw new Error(`the pid and profile providers do not know the registers of ${arch}`);
}

const pidT: DType = { ...int32, name: 'pid_t' };

/** dst = the 8-byte context field at `off`. */
function ctxField(e: Emitter, dst: Reg, off: number): void {
  e.emit(ldx(8, dst, R10, CTX_SLOT), ldx(8, dst, dst, off));
}

/**
 * profile-N and tick-N: perf-event programs on cpu-clock, whose context (struct bpf_perf_event_data)
 * starts with the interrupted registers. arg0 = the kernel PC, or 0 when the CPU was in user mode;
 * arg1 = the user PC, or 0 when it was in the kernel (DTrace's profile arguments).
 */
export function profileContext(arch = process.arch): ProbeContext {
  const regs = regsLayout(arch);
  return {
    progType: ProgType.PERF_EVENT,
    argTypes: [],
    loadArg: (e, n, dst) => {
      if (n > 1) {
        e.emit(mov64(dst, 0));
        return;
      }
      const user = e.newLabel('puser');
      const done = e.newLabel('pdone');
      e.emit(ldx(8, dst, R10, CTX_SLOT), ldx(8, R0, dst, regs.mode));
      regs.userMode(e, R0, user);
      // kernel mode: arg0 = pc, arg1 = 0
      e.emit(n === 0 ? ldx(8, dst, dst, regs.pc) : mov64(dst, 0), ja(done));
      e.place(user);
      e.emit(n === 1 ? ldx(8, dst, dst, regs.pc) : mov64(dst, 0));
      e.place(done);
    },
  };
}

/**
 * Where the guard of a -c target keeps what it reads: the prologue runs it before any clause, and this
 * slot of the fixed frame (gen.ts Slot.loadTmp, for loads from kernel memory) is free then.
 */
const GUARD_SLOT = -64;

/** Offsets of current->mm->exe_file->f_inode->i_ino, from BTF; undefined when a member is unknown. */
function exeInodePath(types: KernelTypes | undefined): number[] | undefined {
  if (!types) return undefined;
  try {
    const task = types.task();
    const steps: [DType | undefined, string][] = [
      [task, 'mm'], [types.named('struct mm_struct'), 'exe_file'], [types.named('struct file'), 'f_inode'],
      [types.named('struct inode'), 'i_ino'],
    ];
    const out: number[] = [];
    for (const [t, name] of steps) {
      const m = t ? types.member(t, name) : undefined;
      if (!m) return undefined;
      out.push(m.offset);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Jumps to `skip` unless current->mm->exe_file->f_inode->i_ino == ino (any failed read skips too). */
function exeInodeGuard(e: Emitter, offsets: number[], ino: bigint, skip: string): void {
  e.emit(call(Helper.get_current_task));
  offsets.forEach((off, i) => {
    e.emit(mov64(R3, R0), alu64('add', R3, off), mov64(R1, R10), alu64('add', R1, GUARD_SLOT), mov64(R2, 8));
    e.emit(call(Helper.probe_read_kernel), jmp('jne', R0, 0, skip), ldx(8, R0, R10, GUARD_SLOT));
    if (i < offsets.length - 1) e.emit(jmp('jeq', R0, 0, skip));
  });
  e.emit(ldImm64(R1, ino), jmp('jne', R0, R1, skip));
}

/**
 * pid provider entry and return: kprobe-type programs on uprobes, whose context is the user registers.
 * Entry: arg0..arg5 are the integer argument registers (later arguments read as 0). Return: arg1 is
 * the return value; arg0, DTrace's offset of the returning instruction, is -1 (a uretprobe fires in the
 * caller, where that is no longer known).
 */
export function uprobeContext(
  a: { ret: boolean; pid: number; execIno?: bigint }, types?: KernelTypes, arch = process.arch,
): ProbeContext {
  const regs = regsLayout(arch);
  const { ret, pid } = a;
  const exe = a.execIno !== undefined ? exeInodePath(types) : undefined;
  return {
    progType: ProgType.KPROBE,
    // The perf event already filters by process; this keeps the probe to `pid` whatever the kernel does
    // with shared breakpoints (e.g. in a child that inherited the breakpoint by fork). A -c command's
    // probes also wait for its exec: the shell holding it at the gate maps the same libc.
    guard: (e, skip) => {
      e.emit(call(Helper.get_current_pid_tgid), alu64('rsh', R0, 32), jmp('jne', R0, pid, skip));
      if (exe && a.execIno !== undefined) exeInodeGuard(e, exe, a.execIno, skip);
    },
    argTypes: ret ? [int64, int64] : regs.args.map(() => int64),
    loadArg: (e, n, dst) => {
      if (ret) {
        if (n === 0) e.emit(mov64(dst, -1));
        else if (n === 1) ctxField(e, dst, regs.ret);
        else e.emit(mov64(dst, 0));
        return;
      }
      if (n < regs.args.length) ctxField(e, dst, regs.args[n]);
      else e.emit(mov64(dst, 0));
    },
  };
}

/** A tracepoint record field by name (throws when this kernel's event lacks it). */
function field(fields: EventField[], name: string, where: string): EventField {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`${where}: the tracepoint has no field ${name}`);
  return f;
}

/** dst = a scalar record field (sign-extended when signed). */
function recordInt(e: Emitter, f: EventField, dst: Reg): void {
  const size = f.size === 1 || f.size === 2 || f.size === 4 ? f.size : 8;
  e.emit(ldx(8, dst, R10, CTX_SLOT), ldx(size, dst, dst, f.offset));
  if (f.signed && size < 8) {
    const shift = 64 - size * 8;
    e.emit(alu64('lsh', dst, shift), alu64('arsh', dst, shift));
  }
}

/** dst = the address of a __data_loc string in the record. */
function recordDataLoc(e: Emitter, f: EventField, dst: Reg): void {
  e.emit(ldx(8, dst, R10, CTX_SLOT), ldx(4, R0, dst, f.offset), alu64('and', R0, 0xffff), alu64('add', dst, R0));
}

const CLONE_THREAD = 0x10000;

/**
 * dst = DTrace's proc:::exit reason from current->exit_code: CLD_EXITED (1) for a normal exit,
 * CLD_KILLED (2) for a signal, CLD_DUMPED (3) for a signal with a core dump.
 */
function exitReason(e: Emitter, dst: Reg, exitCodeOffset: number): void {
  const slot = e.stackAlloc(8);
  // probe_read_kernel(r10 + slot, 4, &current->exit_code)
  e.emit(st(8, R10, slot, 0), call(Helper.get_current_task), mov64(R3, R0), alu64('add', R3, exitCodeOffset));
  e.emit(mov64(R1, R10), alu64('add', R1, slot), mov64(R2, 4), call(Helper.probe_read_kernel));
  e.emit(ldx(4, dst, R10, slot));
  const signal = e.newLabel('xsig');
  const killed = e.newLabel('xkill');
  const done = e.newLabel('xdone');
  e.emit(mov64(R0, dst), alu64('and', R0, 0x7f), jmp('jne', R0, 0, signal), mov64(dst, 1), ja(done));
  e.place(signal);
  e.emit(alu64('and', dst, 0x80), jmp('jeq', dst, 0, killed), mov64(dst, 3), ja(done));
  e.place(killed);
  e.emit(mov64(dst, 2));
  e.place(done);
}

/** proc and sched probes on tracepoints: DTrace's arguments and the filter each probe needs. */
export function translatedContext(a: Extract<AttachPoint, { kind: 'translated' }>, types?: KernelTypes): ProbeContext {
  const where = `${a.provider}:::${a.name}`;
  if (a.raw) {
    // sched:::on-cpu: sched_exit_tp(bool is_switch), raw tracepoint args are u64s.
    return {
      progType: ProgType.RAW_TRACEPOINT,
      argTypes: [],
      loadArg: (e, _n, dst) => e.emit(mov64(dst, 0)),
      guard: (e, skip) => e.emit(ldx(8, R1, R10, CTX_SLOT), ldx(8, R1, R1, 0), alu64('and', R1, 0xff), jmp('jeq', R1, 0, skip)),
    };
  }
  const fields = readEventFormat(a.group, a.event).fields;
  const base = { progType: ProgType.TRACEPOINT };
  switch (`${a.provider}:${a.name}`) {
    case 'proc:create': {
      const pid = field(fields, 'pid', where);
      const flags = field(fields, 'clone_flags', where);
      return {
        ...base,
        argTypes: [pidT],
        loadArg: (e, n, dst) => (n === 0 ? recordInt(e, pid, dst) : e.emit(mov64(dst, 0))),
        guard: (e, skip) => {
          recordInt(e, flags, R1);
          e.emit(jmp('jset', R1, CLONE_THREAD, skip));
        },
      };
    }
    case 'proc:exec': {
      const f = field(fields, 'filename', where);
      return {
        ...base,
        argTypes: [fieldType(f, types)],
        loadArg: (e, n, dst) => (n === 0 ? recordDataLoc(e, f, dst) : e.emit(mov64(dst, 0))),
        argAddr: (e, _n, dst) => recordDataLoc(e, f, dst),
      };
    }
    case 'proc:exit': {
      // group_dead (recent kernels): the last thread; without it, the thread-group leader stands for the process.
      const dead = fields.find((x) => x.name === 'group_dead');
      let exitCode: number | undefined;
      try {
        const task = types?.task();
        exitCode = task ? types?.member(task, 'exit_code')?.offset : undefined;
      } catch {
        exitCode = undefined;
      }
      return {
        ...base,
        argTypes: [int32],
        loadArg: (e, n, dst) => (n === 0 && exitCode !== undefined ? exitReason(e, dst, exitCode) : e.emit(mov64(dst, 0))),
        guard: (e, skip) => {
          if (dead) {
            recordInt(e, dead, R1);
            e.emit(jmp('jeq', R1, 0, skip));
            return;
          }
          e.emit(call(Helper.get_current_pid_tgid), mov64(R1, R0), alu64('rsh', R1, 32), alu32('mov', R0, R0), jmp('jne', R0, R1, skip));
        },
      };
    }
    case 'sched:off-cpu': {
      const next = field(fields, 'next_pid', where);
      return {
        ...base,
        argTypes: [pidT],
        loadArg: (e, n, dst) => (n === 0 ? recordInt(e, next, dst) : e.emit(mov64(dst, 0))),
      };
    }
    default:
      // proc:::exec-success and anything without arguments
      return { ...base, argTypes: [], loadArg: (e, _n, dst) => e.emit(mov64(dst, 0)) };
  }
}
