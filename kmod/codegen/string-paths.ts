// basename(), dirname() and cleanpath(), following illumos dtrace_dif_subr: basename and dirname as
// basename(1)/dirname(1) ("" and "." give ".", all slashes give "/"); cleanpath removes "//" and "/./" and
// collapses "/../" with the component before it, keeping a trailing slash ("/a/./b/../c//d/" is "/a/c/d/").
import type { Call } from '../../d/ast.js';
import { R0, R1, R2, R3, R4, R5, alu64, ja, jmp, ldx, mov64, st, stx } from '../asm/insn.js';
import type { Gen } from './gen.js';
import { evalStr, type StrVal } from './strings.js';
import { area, base, clamp, copySlice, eqFlag, exitIf, loop, ltFlag, resultAt, scalarAddr, select, stVar, storeConst, take } from './string-asm.js';

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
    e.emit(ldx(8, R3, R0, from));
    exitIf(g, 'jsle', R3, -delta - 1, exit);
    exitIf(g, 'jsgt', R3, n, exit);
    e.emit(alu64('add', R3, delta), alu64('sub', R3, R1));
    exitIf(g, 'jslt', R3, 0, exit);
    e.emit(mov64(R2, R0), alu64('add', R2, R3), ldx(1, R4, R2, src));
    exitIf(g, slash ? 'jeq' : 'jne', R4, 0x2f, exit, () => {
      if (bias) e.emit(alu64('add', R3, bias));
      e.emit(stx(8, R0, to, R3));
    });
  });
}

/** Modes of cleanpath's machine: after a character, after "/", "/.", "/..", and backing up (then "/" or end). */
const [S0, S1, S2, S3, BS, BE] = [0, 1, 2, 3, 4, 5];

/**
 * The transitions of the modes S0-S3 by character class ('/', '.', NUL, other), one byte each: the next mode
 * (bits 0-2), how much of "/.." to write first (bits 3-4), whether the character follows (bit 5), and
 * whether the path ends here (bit 6). This is illumos's loop one character at a time.
 */
function cleanpathTable(): string {
  const t = (next: number, prefix = 0, char = false, end = false): number => next | (prefix << 3) | (char ? 32 : 0) | (end ? 64 : 0);
  const rows = [
    [t(S1), t(S0, 0, true), t(S0, 0, false, true), t(S0, 0, true)],
    [t(S1), t(S2), t(S0, 1, false, true), t(S0, 1, true)],
    [t(S1), t(S3), t(S0, 2, false, true), t(S0, 2, true)],
    [t(BS), t(S0, 3, true), t(BE), t(S0, 3, true)],
  ];
  return String.fromCharCode(...rows.flat(), ...new Array<number>(16).fill(0));
}

/**
 * cleanpath(s): illumos's pass over the path as a machine of one character (or one backed-up character)
 * per step, at most 2 * strsize + 4 steps, computed without branches: the verifier walks it once.
 */
export function cleanpath(g: Gen, c: Call): StrVal {
  const n = g.sema.strsize;
  const n2 = 1 << Math.ceil(Math.log2(n));
  const e = g.e;
  const src = area(g, n2);
  // The result, after 8 bytes where the steps that back up write their (unused) bytes.
  const out = area(g, 8 + n2 + 8);
  const dst = out + 8;
  const v = area(g, 64);
  const [I, J, MODE, C, E, ISB, LEAVE, ENDB] = [v, v + 8, v + 16, v + 24, v + 32, v + 40, v + 48, v + 56];
  take(g, evalStr(g, c.args[0]), src, n);
  base(g, R0);
  e.emit(st(8, R0, I, 0), st(8, R0, J, 0), st(8, R0, MODE, S0));
  const table = cleanpathTable();
  loop(g, R1, 2 * n + 4, (end) => {
    base(g, R0);
    // The mode, whether it backs up, the character and its class, and the transition.
    e.emit(ldx(8, R2, R0, MODE), alu64('and', R2, 7), mov64(R3, 3), alu64('sub', R3, R2), alu64('rsh', R3, 63), stx(8, R0, ISB, R3));
    e.emit(ldx(8, R4, R0, I), alu64('and', R4, n2 - 1), alu64('add', R4, R0), ldx(1, R4, R4, src), stx(8, R0, C, R4));
    eqFlag(g, R5, R4, 0x2f);
    e.emit(alu64('mul', R5, 3), mov64(R3, 3), alu64('sub', R3, R5));
    eqFlag(g, R5, R4, 0x2e);
    e.emit(alu64('lsh', R5, 1), alu64('sub', R3, R5));
    eqFlag(g, R5, R4, 0);
    e.emit(alu64('sub', R3, R5), alu64('lsh', R2, 2), alu64('add', R2, R3), alu64('and', R2, 31));
    g.constString(R5, table, table.length + 1);
    e.emit(alu64('add', R5, R2), ldx(1, R5, R5, 0), stx(8, R0, E, R5));
    // if (j + 5 >= size) break; (only when not backing up)
    e.emit(ldx(8, R2, R0, J), alu64('and', R2, n2 - 1), mov64(R3, R2), alu64('add', R3, 5));
    ltFlag(g, R3, R3, n);
    e.emit(alu64('xor', R3, 1), ldx(8, R4, R0, ISB), alu64('and', R4, 1), alu64('xor', R4, 1), alu64('and', R3, R4));
    exitIf(g, 'jne', R3, 0, end);
    // Write the prefix and the character at dst + j (backing up: before dst, where nothing is read).
    e.emit(mov64(R3, R2), alu64('add', R3, 8), alu64('mul', R3, R4), alu64('add', R3, R0));
    e.emit(ldx(8, R4, R0, E), alu64('rsh', R4, 3), alu64('and', R4, 3), ldx(8, R5, R0, C));
    for (let k = 0; k < 3; k++) {
      e.emit(mov64(R2, k), alu64('sub', R2, R4), alu64('rsh', R2, 63));
      e.emit(mov64(R0, k === 0 ? 0x2f : 0x2e), alu64('sub', R0, R5), alu64('mul', R0, R2), alu64('add', R0, R5), stx(1, R3, out + k, R0));
    }
    e.emit(stx(1, R3, out + 3, R5));
    // Backing up: j1 = j - (j != 0); stop at a '/' (or at 0); after "/..\0" the result keeps dst[j1].
    base(g, R0);
    e.emit(ldx(8, R2, R0, J), alu64('and', R2, n2 - 1));
    eqFlag(g, R3, R2, 0);
    e.emit(alu64('xor', R3, 1), mov64(R4, R2), alu64('sub', R4, R3), alu64('and', R4, n2 - 1));
    e.emit(mov64(R5, R0), alu64('add', R5, R4), ldx(1, R5, R5, dst));
    eqFlag(g, R5, R5, 0x2f);
    e.emit(alu64('xor', R3, 1), alu64('or', R5, R3), stx(8, R0, LEAVE, R5));
    e.emit(ldx(8, R3, R0, MODE));
    eqFlag(g, R3, R3, BE);
    e.emit(alu64('and', R3, R5), stx(8, R0, ENDB, R3), alu64('add', R4, R3));
    // j = backing up ? j1 (+1 at the end) : j + prefix + character
    e.emit(ldx(8, R3, R0, E), mov64(R5, R3), alu64('rsh', R5, 5), alu64('and', R5, 1), alu64('rsh', R3, 3), alu64('and', R3, 3));
    e.emit(alu64('add', R3, R5), alu64('add', R3, R2), ldx(8, R5, R0, ISB), alu64('and', R5, 1));
    select(g, R3, R5, R4, R2);
    e.emit(stx(8, R0, J, R3));
    // i advances unless backing up
    e.emit(alu64('xor', R5, 1), ldx(8, R2, R0, I), alu64('add', R2, R5), stx(8, R0, I, R2));
    // mode = backing up ? (done ? S1 : same) : the transition's
    e.emit(ldx(8, R2, R0, MODE), ldx(8, R3, R0, LEAVE));
    select(g, R2, R3, S1, R4);
    e.emit(ldx(8, R3, R0, E), alu64('and', R3, 7), ldx(8, R4, R0, ISB), alu64('and', R4, 1));
    select(g, R3, R4, R2, R5);
    e.emit(stx(8, R0, MODE, R3));
    // the end: the transition's, or a finished backing up after "/..\0"
    e.emit(ldx(8, R2, R0, E), alu64('rsh', R2, 6), alu64('and', R2, 1), ldx(8, R3, R0, ENDB));
    select(g, R2, R4, R3, R5);
    exitIf(g, 'jne', R2, 0, end);
  });
  // dest[j] = '\0'
  base(g, R0);
  e.emit(ldx(8, R4, R0, J));
  clamp(g, R4, 0, n - 1);
  e.emit(alu64('add', R4, R0), st(1, R4, dst, 0));
  return resultAt(g, dst, n);
}
