// Building blocks of the string subroutines: private scratch buffers and variables, bounded loops, and copies
// through bpf_probe_read_kernel_str.
//
// Verifier economy: a bounded loop is walked by the verifier once per iteration, so loops keep only the loop
// counter (a known constant per iteration) and small flags in registers; values that depend on the data and
// live across iterations (positions, lengths) go to per-CPU scratch memory, whose contents the verifier does
// not track, so every iteration's paths meet again at the loop head and are pruned there.
import { R0, R1, R2, R3, R4, R5, alu64, call, ja, jmp, ldx, mov64, st, stx, type Reg } from '../asm/insn.js';
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

/** Registers a loop body may use as temporaries (those it does not keep are zeroed before the next turn). */
const TEMPS = [R0, R1, R2, R3, R4, R5];

/**
 * `for (ctr = 0; ctr < n; ctr++) body`. The body gets the loop's exit and continue labels; `ctr` must be a
 * register the body leaves alone (one of r0-r5 only when the body calls no helper).
 *
 * The verifier walks the loop once per iteration and keeps few of the states it saw at the loop head: two
 * paths through one iteration are pruned only if they reach the next head in the very same state. So the
 * body keeps everything that depends on the data in scratch memory, and every r0-r5 that is neither the
 * counter nor in `keep` (loop invariants) is zeroed before the next iteration.
 */
export function loop(g: Gen, ctr: Reg, n: number, body: (exit: string, next: string) => void, keep: Reg[] = []): void {
  const e = g.e;
  const head = e.newLabel('lp');
  const next = e.newLabel('lc');
  const exit = e.newLabel('lx');
  e.emit(mov64(ctr, 0));
  e.place(head);
  e.emit(jmp('jge', ctr, n, exit));
  body(exit, next);
  e.place(next);
  for (const r of TEMPS) if (r !== ctr && !keep.includes(r)) e.emit(mov64(r, 0));
  e.emit(alu64('add', ctr, 1), ja(head));
  e.place(exit);
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
