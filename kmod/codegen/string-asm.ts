// Building blocks of the string subroutines: private scratch buffers and variables, bounded loops, and copies
// through bpf_probe_read_kernel_str.
//
// The loops are shaped for the verifier (see loop()): it accepts them with work proportional to their length.
import { R0, R1, R2, R3, alu64, call, ja, jmp, ldx, mov64, st, stx, type Reg } from '../asm/insn.js';
import type { JmpOp } from '../asm/opcodes.js';
import { Helper } from '../asm/helpers.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import type { StrVal } from './strings.js';
import { Fault } from './plan.js';

/** Largest offset a load or store can address directly (the instruction's 16-bit signed offset). */
const MAX_OFF = 0x7fff;

/** Bytes of a string a subroutine reads: its buffer, but never more than strsize (DTrace's limit). */
export function limitOf(g: Gen, s: StrVal): number {
  return Math.min(s.maxLen, g.sema.strsize);
}

/** Per-CPU scratch of `size` bytes for this call (8-aligned offset from the scratch base). */
export function area(g: Gen, size: number): number {
  const off = g.scratchAlloc(size);
  if (off + size > MAX_OFF) g.error('this clause needs more than 32 KB of scratch space for its strings');
  return off;
}

/** dst = the scratch base (a map value pointer, offset 0): scratch variables are at constant offsets from it. */
export function base(g: Gen, dst: Reg): void {
  g.scratchPtr(dst, 0);
}

/** dst = the u64 scratch variable at `off` (clobbers only dst). */
export function ldVar(g: Gen, dst: Reg, off: number): void {
  base(g, dst);
  g.e.emit(ldx(8, dst, dst, off));
}

/** The u64 scratch variable at `off` = src (tmp is clobbered). */
export function stVar(g: Gen, off: number, src: Reg | number, tmp: Reg): void {
  base(g, tmp);
  g.e.emit(typeof src === 'number' ? st(8, tmp, off, src) : stx(8, tmp, off, src));
}

/**
 * dst = the address of scratch + off as a plain number. The pointer goes through the u64 at `slot`: the
 * verifier does not track map memory, so the value read back is a scalar that arithmetic may freely offset
 * (it is only ever handed to the faulting-safe probe_read helpers).
 */
export function scalarAddr(g: Gen, dst: Reg, off: number, slot: number): void {
  base(g, dst);
  g.e.emit(stx(8, dst, slot, dst), ldx(8, dst, dst, slot));
  if (off) g.e.emit(alu64('add', dst, off));
}

/** The u64 at `slot` = the pointer in `p` (read back later as a plain number with ldVar). */
export function savePtr(g: Gen, slot: number, p: Reg, tmp: Reg): void {
  base(g, tmp);
  g.e.emit(stx(8, tmp, slot, p));
}

/** r0 clamped to [lo, hi] (signed low bound, unsigned high bound). */
export function clamp(g: Gen, r: Reg, lo: number, hi: number): void {
  const e = g.e;
  const a = e.newLabel('cl');
  const b = e.newLabel('ch');
  e.emit(jmp('jsge', r, lo, a), mov64(r, lo));
  e.place(a);
  e.emit(jmp('jle', r, hi, b), mov64(r, hi));
  e.place(b);
}

/**
 * Copies the string at `src` (an address in a register) into scratch at `off`: at most size-1 characters
 * and a NUL. Leaves its length (0..size-1) in r0; clobbers r0-r5.
 */
export function copyInto(g: Gen, off: number, size: number, src: Reg): void {
  const e = g.e;
  e.emit(mov64(R3, src));
  g.scratchPtr(R1, off);
  e.emit(mov64(R2, size), call(Helper.probe_read_kernel_str));
  clamp(g, R0, 1, size);
  e.emit(alu64('sub', R0, 1));
}

/** Copies a string value into scratch at `off` (at most size-1 characters) and frees it; r0 = its length. */
export function take(g: Gen, s: StrVal, off: number, size: number): void {
  copyInto(g, off, Math.min(size, s.maxLen), s.ptr.reg);
  g.free(s.ptr);
}

/**
 * Copies `r2` characters (clamped to [0, size-1]) from the plain address in r3 into scratch at `off`, stopping
 * at a NUL, and NUL-terminates. Clobbers r0-r5.
 */
export function copySlice(g: Gen, off: number, size: number): void {
  clamp(g, R2, 0, size - 1);
  g.e.emit(alu64('add', R2, 1));
  g.scratchPtr(R1, off);
  g.e.emit(call(Helper.probe_read_kernel_str));
}

/** Stores a short constant string (with its NUL) at scratch + off through the base pointer in `b`. */
export function storeConst(g: Gen, b: Reg, off: number, s: string): void {
  const bytes = Buffer.from(s + '\0', 'latin1');
  bytes.forEach((byte, i) => g.e.emit(st(1, b, off + i, byte)));
}

const invert: Record<Exclude<JmpOp, 'jset'>, JmpOp> = {
  jeq: 'jne', jne: 'jeq', jgt: 'jle', jle: 'jgt', jge: 'jlt', jlt: 'jge',
  jsgt: 'jsle', jsle: 'jsgt', jsge: 'jslt', jslt: 'jsge',
};

/**
 * `for (ctr = 0; ctr < n; ctr++) body`. The body gets the loop's exit label; `ctr` must be a register the
 * body leaves alone (one of r0-r5 only when the body calls no helper).
 *
 * The verifier walks a loop once per iteration and keeps few of the states it saw there, so two paths
 * through one iteration would each be walked through all later ones: a body must not fork. Choices that
 * depend on the data are arithmetic (eqFlag, select), values carried between iterations live in scratch
 * memory, and the only branches leave the loop, through exitIf.
 */
export function loop(g: Gen, ctr: Reg, n: number, body: (exit: string) => void): void {
  const e = g.e;
  const head = e.newLabel('lp');
  const exit = e.newLabel('lx');
  e.emit(mov64(ctr, 0));
  e.place(head);
  e.emit(jmp('jge', ctr, n, exit));
  body(exit);
  e.emit(alu64('add', ctr, 1), ja(head));
  e.place(exit);
}

/**
 * Goes to `exit` (after `onExit`) when `a op b`. Leaving is the fall-through, which the verifier walks
 * first and prunes where the paths meet after the loop; staying is the jump it defers, one at a time, so
 * its stack of pending states stays short however many loops a clause runs.
 */
export function exitIf(g: Gen, op: Exclude<JmpOp, 'jset'>, a: Reg, b: Reg | number, exit: string, onExit?: () => void): void {
  const stay = g.e.newLabel('st');
  g.e.emit(jmp(invert[op], a, b, stay));
  onExit?.();
  g.e.emit(ja(exit));
  g.e.place(stay);
}

/** dst = (a == b) ? 1 : 0 without a branch, for values in [0, 2^62). */
export function eqFlag(g: Gen, dst: Reg, a: Reg, b: Reg | number): void {
  if (dst !== a) g.e.emit(mov64(dst, a));
  g.e.emit(alu64('xor', dst, b), alu64('sub', dst, 1), alu64('rsh', dst, 63));
}

/** dst = (a < b) ? 1 : 0 (signed) without a branch, for values within +-2^62. */
export function ltFlag(g: Gen, dst: Reg, a: Reg, b: Reg | number): void {
  if (dst !== a) g.e.emit(mov64(dst, a));
  g.e.emit(alu64('sub', dst, b), alu64('rsh', dst, 63));
}

/** r = flag ? v : r for a 0/1 flag, without a branch (tmp is clobbered). */
export function select(g: Gen, r: Reg, flag: Reg, v: Reg | number, tmp: Reg): void {
  g.e.emit(mov64(tmp, v), alu64('sub', tmp, r), alu64('mul', tmp, flag), alu64('add', r, tmp));
}

/** A string result in scratch at `off`, its address in a fresh value register. */
export function resultAt(g: Gen, off: number, maxLen: number): StrVal {
  const v = g.alloc();
  g.scratchPtr(v.reg, off);
  return { ptr: v, maxLen };
}

/** Faults with DTrace's "invalid address (0x0)" when `v` holds NULL: a NULL string used as a value. */
export function nonNull(g: Gen, v: Val): void {
  const ok = g.e.newLabel('nn');
  g.e.emit(jmp('jne', v.reg, 0, ok));
  g.fault(Fault.BADADDR, 0n);
  g.e.place(ok);
}

export { R0, R1, R2, R3 };
