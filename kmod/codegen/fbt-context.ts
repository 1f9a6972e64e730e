// The fbt probe context: program type per attachment (fentry/fexit, kprobe, one kprobe program for a
// group), args[] typed from the function's BTF signature, and the loads of arg0..argN.
//
// Entry: argN is the function's Nth argument; args[N] has its BTF type (so args[0]->f_path.dentry works).
// Return: as in DTrace, arg0 is the offset of the returning instruction and arg1 the return value; fexit
// and kretprobes fire after the function has returned, where that offset is no longer known, so arg0 is
// -1 (as in Oracle's DTrace for Linux). args[0] is an int, args[1] has the function's return type (void
// functions have args[0] only).
import { R0, R1, R2, R3, R10, alu64, call, ldx, mov32, mov64, type Reg } from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import { AttachType, ProgType } from '../sys/bpf.js';
import type { AttachPoint, Probe } from '../probes/probe.js';
import { ambiguous, fbtSignature, type FbtSignature } from '../probes/fbt-functions.js';
import { loadKernelBtf } from '../btf/kernel.js';
import { BtfTypes } from '../btf/dtypes.js';
import { int32, uint64, type DType, type IntType } from '../../d/types.js';
import type { KernelTypes } from '../../d/kernel-types.js';
import { CTX_SLOT } from './frame.js';
import type { ProbeContext } from './context.js';
import { regsLayout } from './context-providers.js';
import type { Emitter } from './emitter.js';

type FbtAttach = Extract<AttachPoint, { kind: 'fbt' }>;

/** gen.ts's FBT_TMP_SLOT (not imported: gen.ts needs context.ts first); a test keeps them equal. */
export const FBT_TMP_SLOT = -64;

/** How one parameter (or the return value) is passed and typed. */
export interface FbtArg {
  type: DType;
  /** Pointers are read with bpf_get_func_arg/ret under fentry/fexit, so the verifier sees a number. */
  pointer: boolean;
  /** Integers narrower than 64 bits: the register's upper bits are not the caller's to trust. */
  int?: IntType;
  /** A struct or union passed by value (fentry refuses those; kprobes see its first register). */
  byValue: boolean;
  /** Registers it takes (a 9..16-byte struct takes two). */
  slots: number;
}

export interface FbtArgs {
  sig?: FbtSignature;
  params: FbtArg[];
  /** Undefined for void functions. */
  ret?: FbtArg;
}

function describe(sig: FbtSignature, typeId: number, types: KernelTypes | undefined): FbtArg {
  const btf = sig.btf;
  const r = btf.resolve(typeId);
  const kind = btf.type(r).kind;
  const size = btf.trySizeOf(r) ?? 8;
  const byValue = kind === 'struct' || kind === 'union';
  const pointer = kind === 'ptr';
  let type: DType = uint64;
  // D's kernel types are vmlinux's: a module's own types read as integers.
  const inVmlinux = sig.vmlinux || typeId < loadKernelBtf().endId;
  if (!byValue && inVmlinux && types instanceof BtfTypes) {
    try {
      type = types.of(typeId);
    } catch {
      type = uint64;
    }
  } else if (!byValue && (kind === 'int' || kind === 'enum' || kind === 'enum64') && (size === 1 || size === 2 || size === 4 || size === 8)) {
    type = { kind: 'int', size, signed: btf.isSigned(r), name: btf.typeName(typeId) };
  }
  if (type.kind === 'btf' || type.kind === 'void') type = uint64;
  const int = type.kind === 'int' && type.size < 8 ? type : undefined;
  return { type, pointer, int, byValue, slots: size > 8 ? 2 : 1 };
}

/** The typed arguments and return value of an fbt probe's function (none when BTF does not describe it). */
export function fbtArgs(module: string, func: string, types?: KernelTypes): FbtArgs {
  const sig = fbtSignature(module, func);
  if (!sig) return { params: [] };
  const params = sig.params.map((p) => describe(sig, p.typeId, types));
  const ret = sig.returnTypeId === 0 ? undefined : describe(sig, sig.returnTypeId, types);
  return { sig, params, ret };
}

/** fentry/fexit can take this function: in vmlinux, one name, at most six scalar parameters, a scalar result. */
export function fentryable(module: string, func: string): boolean {
  if (module !== 'vmlinux' || ambiguous(module, func)) return false;
  const a = fbtArgs(module, func);
  if (!a.sig || a.params.length > 6) return false;
  return a.params.every((p) => !p.byValue && p.slots === 1) && !(a.ret && (a.ret.byValue || a.ret.slots > 1));
}

/** args[] as D sees them: the parameters on entry; [offset, return value] on return. */
export function fbtArgTypes(a: FbtAttach, args: FbtArgs): DType[] {
  if (!a.ret) return args.params.map((p) => p.type);
  return args.ret ? [int32, args.ret.type] : [int32];
}

/** Truncates and extends a register holding a narrow integer argument. */
function narrow(e: Emitter, dst: Reg, t: IntType | undefined): void {
  if (!t) return;
  if (t.signed) {
    const shift = 64 - t.size * 8;
    e.emit(alu64('lsh', dst, shift), alu64('arsh', dst, shift));
  } else if (t.size === 4) e.emit(mov32(dst, dst));
  else e.emit(alu64('and', dst, t.size === 1 ? 0xff : 0xffff));
}

/** dst = the context's 8-byte field at `off`. */
function ctxField(e: Emitter, dst: Reg, off: number): void {
  e.emit(ldx(8, dst, R10, CTX_SLOT), ldx(8, dst, dst, off));
}

/**
 * dst = bpf_get_func_arg(ctx, n) or bpf_get_func_ret(ctx) (n < 0): inlined by the verifier, and the value
 * it stores is a plain number, where a direct load of a pointer argument would be a typed kernel pointer
 * on which the verifier refuses arithmetic.
 */
function funcArg(e: Emitter, dst: Reg, n: number): void {
  e.emit(ldx(8, R1, R10, CTX_SLOT));
  if (n >= 0) e.emit(mov64(R2, n), mov64(R3, R10), alu64('add', R3, FBT_TMP_SLOT), call(Helper.get_func_arg));
  else e.emit(mov64(R2, R10), alu64('add', R2, FBT_TMP_SLOT), call(Helper.get_func_ret));
  e.emit(ldx(8, dst, R10, FBT_TMP_SLOT));
  void R0;
}

/** The context of an fbt probe, for the attachment compilation chose (`via`; the table's probes have none). */
export function fbtContext(probe: Probe, types?: KernelTypes): ProbeContext {
  const a = probe.attach as FbtAttach;
  const first = a.group?.probes[0]?.attach as FbtAttach | undefined;
  const args = fbtArgs(first?.module ?? a.module, first?.func ?? a.func, types);
  const argTypes = fbtArgTypes(a, args);
  const via = a.via ?? 'kprobe';
  if (via === 'fentry') {
    const nparams = args.params.length;
    return {
      progType: ProgType.TRACING,
      expectedAttachType: a.ret ? AttachType.TRACE_FEXIT : AttachType.TRACE_FENTRY,
      attachBtfId: args.sig?.funcId,
      // bpf_get_stack starts in the program, then the trampoline: skip both, so stack() starts in the
      // traced function as it does under kprobes
      stackSkip: 2,
      argTypes,
      loadArg: (e, n, dst) => {
        if (a.ret) {
          if (n === 0) e.emit(mov64(dst, -1));
          else if (n === 1 && args.ret) {
            if (args.ret.pointer) funcArg(e, dst, -1);
            else ctxField(e, dst, 8 * nparams);
            narrow(e, dst, args.ret.int);
          } else e.emit(mov64(dst, 0));
          return;
        }
        const p = args.params[n];
        if (!p) {
          e.emit(mov64(dst, 0));
          return;
        }
        if (p.pointer) funcArg(e, dst, n);
        else ctxField(e, dst, 8 * n);
        narrow(e, dst, p.int);
      },
    };
  }
  // kprobes: struct pt_regs; the first six integer arguments are in registers, the result in one.
  const regs = regsLayout();
  const group = via === 'multi';
  return {
    progType: ProgType.KPROBE,
    expectedAttachType: group && a.group?.multiLink ? AttachType.TRACE_KPROBE_MULTI : undefined,
    argTypes,
    loadArg: (e, n, dst) => {
      if (a.ret) {
        if (n === 0) e.emit(mov64(dst, -1));
        else if (n === 1 && (group || args.ret || !args.sig)) {
          ctxField(e, dst, regs.ret);
          if (!group) narrow(e, dst, args.ret?.int);
        } else e.emit(mov64(dst, 0));
        return;
      }
      // A group's functions differ: argN is the raw register, as DTrace's argN is.
      if (group || !args.sig) {
        if (n < regs.args.length) ctxField(e, dst, regs.args[n]);
        else e.emit(mov64(dst, 0));
        return;
      }
      let slot = 0;
      for (let i = 0; i < n && i < args.params.length; i++) slot += args.params[i].slots;
      const p = args.params[n];
      if (!p || slot >= regs.args.length) {
        e.emit(mov64(dst, 0));
        return;
      }
      ctxField(e, dst, regs.args[slot]);
      narrow(e, dst, p.int);
    },
  };
}
