// basename(), dirname() and cleanpath(), following illumos dtrace_dif_subr: basename and dirname as
// basename(1)/dirname(1) ("" and "." give ".", all slashes give "/"); cleanpath removes "//" and "/./" and
// collapses "/../" with the component before it, keeping a trailing slash ("/a/./b/../c//d/" is "/a/c/d/").
import type { Call } from '../../d/ast.js';
import { R0, R1, R2, R3, R4, R5, alu64, ja, jmp, ldx, mov64, st, stx } from '../asm/insn.js';
import type { Gen } from './gen.js';
import { evalStr, type StrVal } from './strings.js';
import { area, base, clamp, copySlice, loop, resultAt, scalarAddr, stVar, storeConst, take } from './string-asm.js';

/** basename(s) / dirname(s). */
export function pathname(g: Gen, c: Call, which: 'basename' | 'dirname'): StrVal {
  const n = g.sema.strsize;
  const e = g.e;
  const src = area(g, n);
  const out = area(g, n);
  const v = area(g, 40);
  const [L, LASTBASE, FIRSTBASE, LASTDIR, ADDR] = [v, v + 8, v + 16, v + 24, v + 32];
  take(g, evalStr(g, c.args[0]), src, n);
  stVar(g, L, R0, R1);
  const dot = e.newLabel('pd');
  const copy = e.newLabel('pc');
  const done = e.newLabel('pe');
  base(g, R0);
  e.emit(st(8, R0, LASTBASE, -1), st(8, R0, FIRSTBASE, -1), st(8, R0, LASTDIR, -1));
  e.emit(ldx(8, R2, R0, L), jmp('jeq', R2, 0, dot));
  // Backwards from the end: the last non-slash (the base name's end), the slash before it (+1: the base
  // name's start), and the last non-slash before that slash (the directory's end); -1 when absent.
  backScan(g, src, L, -1, false, LASTBASE, 0);
  backScan(g, src, LASTBASE, 0, true, FIRSTBASE, 1);
  backScan(g, src, FIRSTBASE, -2, false, LASTDIR, 0);
  base(g, R0);
  e.emit(ldx(8, R3, R0, LASTBASE), ldx(8, R4, R0, FIRSTBASE), ldx(8, R5, R0, LASTDIR));
  // Only slashes: "/" either way.
  const some = e.newLabel('ps');
  e.emit(jmp('jne', R3, -1, some), mov64(R3, 0), mov64(R4, 0), mov64(R5, 0));
  e.place(some);
  const slash = e.newLabel('pl');
  e.emit(jmp('jne', R4, -1, slash));
  // No slash before the base name: dirname is ".", basename the whole name.
  if (which === 'dirname') e.emit(ja(dot));
  else e.emit(mov64(R4, 0));
  e.place(slash);
  if (which === 'dirname') {
    // "/name": the directory is "/" (up to and including index 0).
    const ok = e.newLabel('pk');
    e.emit(jmp('jne', R5, -1, ok), mov64(R5, 0));
    e.place(ok);
    e.emit(mov64(R4, 0), mov64(R3, R5));
  }
  // Copy src[r4 .. r3].
  e.emit(ja(copy));
  e.place(dot);
  base(g, R0);
  storeConst(g, R0, out, '.');
  e.emit(ja(done));
  e.place(copy);
  clamp(g, R4, 0, n - 1);
  e.emit(mov64(R2, R3), alu64('sub', R2, R4), alu64('add', R2, 1), stx(8, R0, LASTBASE, R2), stx(8, R0, FIRSTBASE, R4));
  scalarAddr(g, R3, src, ADDR);
  base(g, R0);
  e.emit(ldx(8, R2, R0, LASTBASE), ldx(8, R4, R0, FIRSTBASE), alu64('add', R3, R4));
  copySlice(g, out, n);
  e.place(done);
  return resultAt(g, out, n);
}

/**
 * Scans src backwards from index (var `from` + delta) for the first '/' (slash) or non-'/' (!slash) and
 * stores its index + bias in var `to` (unchanged, -1, when none or when `from` is negative).
 */
function backScan(g: Gen, src: number, from: number, delta: number, slash: boolean, to: number, bias: number): void {
  const e = g.e;
  const n = g.sema.strsize;
  loop(g, R1, n, (exit) => {
    base(g, R0);
    e.emit(ldx(8, R3, R0, from), jmp('jsle', R3, -delta - 1, exit), jmp('jsgt', R3, n, exit));
    e.emit(alu64('add', R3, delta), alu64('sub', R3, R1), jmp('jslt', R3, 0, exit));
    e.emit(mov64(R2, R0), alu64('add', R2, R3), ldx(1, R4, R2, src));
    const skip = e.newLabel('bs');
    e.emit(jmp(slash ? 'jne' : 'jeq', R4, 0x2f, skip));
    if (bias) e.emit(alu64('add', R3, bias));
    e.emit(stx(8, R0, to, R3), ja(exit));
    e.place(skip);
  });
}

/** cleanpath(s): illumos's one forward pass, run as a bounded machine of 2 * strsize + 8 steps. */
export function cleanpath(g: Gen, c: Call): StrVal {
  const n = g.sema.strsize;
  const e = g.e;
  const src = area(g, n);
  const out = area(g, n);
  const v = area(g, 32);
  const [I, J, C, MODE] = [v, v + 8, v + 16, v + 24];
  const READ = 0;
  const NEXT = 1;
  const BACK = 2;
  take(g, evalStr(g, c.args[0]), src, n);
  base(g, R0);
  e.emit(st(8, R0, I, 0), st(8, R0, J, 0), st(8, R0, MODE, READ));
  const end = e.newLabel('ce');
  // Registers in a step: r0 scratch base, r1 step, r3 c, r4 j, r5 i, r2 address temp.
  /** r3 = src[i++] (NUL past the buffer). */
  const read = (): void => {
    const inside = e.newLabel('cr');
    const got = e.newLabel('cg');
    e.emit(ldx(8, R5, R0, I), jmp('jlt', R5, n, inside), mov64(R3, 0), ja(got));
    e.place(inside);
    e.emit(mov64(R2, R0), alu64('add', R2, R5), ldx(1, R3, R2, src), alu64('add', R5, 1), stx(8, R0, I, R5));
    e.place(got);
  };
  /** dst[j..] = bytes (numbers, or r3 for the current character); j += count. r4 = j. */
  const put = (bytes: (number | 'c')[]): void => {
    e.emit(mov64(R2, R0), alu64('add', R2, R4));
    bytes.forEach((b, k) => e.emit(b === 'c' ? stx(1, R2, out + k, R3) : st(1, R2, out + k, b)));
    e.emit(alu64('add', R4, bytes.length), stx(8, R0, J, R4));
  };
  loop(g, R1, 2 * n + 8, (exit, next) => {
    const nextMode = e.newLabel('cn');
    const back = e.newLabel('cb');
    const cond = e.newLabel('cc');
    const again = e.newLabel('ca');
    base(g, R0);
    e.emit(ldx(8, R2, R0, MODE), jmp('jeq', R2, BACK, back), jmp('jeq', R2, NEXT, nextMode));
    read();
    const haveC = e.newLabel('ch');
    e.emit(ja(haveC));
    e.place(nextMode);
    e.emit(ldx(8, R3, R0, C));
    e.place(haveC);
    // next: if (j + 5 >= size) stop; a character other than '/' is copied.
    e.emit(ldx(8, R4, R0, J), jmp('jge', R4, n - 5, exit));
    const slash = e.newLabel('c1');
    e.emit(jmp('jeq', R3, 0x2f, slash));
    put(['c']);
    e.emit(ja(cond));
    e.place(slash);
    // "/": look at what follows.
    const notSlash = e.newLabel('c2');
    read();
    e.emit(jmp('jne', R3, 0x2f, notSlash));
    e.place(again);
    // "//" or "/./": go on from this "/" (the `goto next` of the C code).
    e.emit(stx(8, R0, C, R3), st(8, R0, MODE, NEXT), ja(next));
    e.place(notSlash);
    const dot1 = e.newLabel('c3');
    e.emit(jmp('jeq', R3, 0x2e, dot1));
    put([0x2f, 'c']);
    e.emit(ja(cond));
    e.place(dot1);
    read();
    e.emit(jmp('jeq', R3, 0x2f, again));
    const dot2 = e.newLabel('c4');
    e.emit(jmp('jeq', R3, 0x2e, dot2));
    put([0x2f, 0x2e, 'c']);
    e.emit(ja(cond));
    e.place(dot2);
    read();
    const dotdot = e.newLabel('c5');
    e.emit(jmp('jeq', R3, 0x2f, dotdot), jmp('jeq', R3, 0, dotdot));
    put([0x2f, 0x2e, 0x2e, 'c']);
    e.emit(ja(cond));
    e.place(dotdot);
    // "/../" or "/..\0": read the "/" or NUL again, and back up over the last component.
    e.emit(ldx(8, R5, R0, I), alu64('sub', R5, 1), stx(8, R0, I, R5));
    e.emit(stx(8, R0, C, R3), st(8, R0, MODE, BACK), ja(next));
    e.place(back);
    // while (j != 0 && dest[--j] != '/'), one character a step; then a NUL after ".." keeps the "/".
    const after = e.newLabel('c6');
    e.emit(ldx(8, R4, R0, J), jmp('jeq', R4, 0, after), alu64('sub', R4, 1), stx(8, R0, J, R4), jmp('jge', R4, n, exit));
    e.emit(mov64(R2, R0), alu64('add', R2, R4), ldx(1, R2, R2, out), jmp('jne', R2, 0x2f, next));
    e.place(after);
    e.emit(ldx(8, R3, R0, C), jmp('jne', R3, 0, cond));
    e.emit(alu64('add', R4, 1), jmp('jge', R4, n, exit), mov64(R2, R0), alu64('add', R2, R4), st(1, R2, out, 0x2f));
    e.emit(stx(8, R0, J, R4));
    e.place(cond);
    // while (c != '\0')
    e.emit(jmp('jeq', R3, 0, exit), st(8, R0, MODE, READ));
  });
  e.place(end);
  // dest[j] = '\0'
  base(g, R0);
  e.emit(ldx(8, R4, R0, J));
  clamp(g, R4, 0, n - 1);
  e.emit(alu64('add', R4, R0), st(1, R4, out, 0));
  return resultAt(g, out, n);
}
