// strtok(s, delim) and strtok(NULL, delim), as DTrace's DIF_SUBR_STRTOK: skip leading delimiters, return the
// token up to the next delimiter (NULL at the end of the string), and remember where it stopped (on the
// delimiter itself, so that a continuation with other delimiters sees it). The remembered string lives in a
// per-CPU map of its own: strtok(s, ...) copies s there; strtok(NULL, ...) continues in it, and faults with
// "invalid address (0x0)" when no string is being tokenized (none yet in this firing, or the last call
// reached its end). As in DTrace, the saved position lasts one probe firing: the program's prologue forgets it.
import type { Call } from '../../d/ast.js';
import { isString } from '../../d/types.js';
import { R0, R1, R2, R3, R4, R5, alu64, call, ja, jmp, ldMap, ldx, mov64, st, stx } from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import type { Gen } from './gen.js';
import { Fault } from './plan.js';
import { evalStr, type StrVal } from './strings.js';
import { area, base, clamp, copySlice, exitIf, ldVar, limitOf, loop, stVar } from './string-asm.js';

/** The per-CPU map holding the string being tokenized: [u64 position + 1, or 0 for none][strsize bytes]. */
export const STRTOK_MAP = 'strtok';

export function strtok(g: Gen, c: Call): StrVal {
  const n = g.sema.strsize;
  const e = g.e;
  if (!g.layout.extraMaps.some((m) => m.name === STRTOK_MAP)) g.layout.addPerCpuArray(STRTOK_MAP, 8 + ((n + 7) & ~7));
  g.usesStrtok = true;
  const out = area(g, n);
  const tokmap = area(g, 32);
  const v = area(g, 32);
  const [START, END, ADDR, KEY] = [v, v + 8, v + 16, v + 24];
  const fresh = isString(g.sema.typeOf(c.args[0]));
  const s = fresh ? evalStr(g, c.args[0]) : undefined;
  const state = g.alloc();
  lookupState(g, KEY);
  const have = e.newLabel('tk');
  e.emit(jmp('jne', R0, 0, have));
  g.fault(Fault.BADADDR, 0n);
  e.place(have);
  e.emit(mov64(state.reg, R0));
  if (s) {
    e.emit(mov64(R1, state.reg), alu64('add', R1, 8), mov64(R2, Math.min(n, s.maxLen)), mov64(R3, s.ptr.reg));
    e.emit(call(Helper.probe_read_kernel_str), st(8, state.reg, 0, 1));
    g.free(s.ptr);
  } else {
    const going = e.newLabel('tg');
    e.emit(ldx(8, R1, state.reg, 0), jmp('jne', R1, 0, going));
    g.fault(Fault.BADADDR, 0n);
    e.place(going);
  }
  // The state's address as a plain number, for the final copy.
  base(g, R1);
  e.emit(stx(8, R1, ADDR, state.reg), ldx(8, R2, R1, ADDR), alu64('add', R2, 8), stx(8, R1, ADDR, R2));

  // The delimiters as a 256-bit map.
  const delim = evalStr(g, c.args[1]);
  base(g, R1);
  for (let i = 0; i < 32; i += 8) e.emit(st(8, R1, tokmap + i, 0));
  loop(g, R1, limitOf(g, delim), (exit) => {
    e.emit(mov64(R2, delim.ptr.reg), alu64('add', R2, R1), ldx(1, R2, R2, 0));
    exitIf(g, 'jeq', R2, 0, exit);
    bitAddr(g, R2);
    e.emit(ldx(1, R5, R4, tokmap), alu64('or', R5, R3), stx(1, R4, tokmap, R5));
  });
  g.free(delim.ptr);

  // Skip delimiters from the saved position; the end of the string means NULL.
  const none = e.newLabel('tn');
  const found = e.newLabel('tf');
  const done = e.newLabel('td');
  e.emit(ldx(8, R0, state.reg, 0), alu64('sub', R0, 1));
  clamp(g, R0, 0, n);
  stVar(g, START, R0, R1);
  loop(g, R1, n, () => {
    charAt(g, state.reg, START, none);
    exitIf(g, 'jeq', R2, 0, none);
    bitAddr(g, R2);
    e.emit(ldx(1, R5, R4, tokmap), alu64('and', R5, R3));
    exitIf(g, 'jeq', R5, 0, found);
    e.emit(alu64('add', R0, 1));
    stVar(g, START, R0, R4);
  });
  e.emit(ja(none));
  e.place(found);
  // The token runs to the next delimiter or the end.
  ldVar(g, R0, START);
  stVar(g, END, R0, R1);
  loop(g, R1, n, (exit) => {
    charAt(g, state.reg, END, exit);
    exitIf(g, 'jeq', R2, 0, exit);
    bitAddr(g, R2);
    e.emit(ldx(1, R5, R4, tokmap), alu64('and', R5, R3));
    exitIf(g, 'jne', R5, 0, exit);
    e.emit(alu64('add', R0, 1));
    stVar(g, END, R0, R4);
  });
  // Remember the position of the delimiter (or the NUL), then copy the token.
  ldVar(g, R0, END);
  clamp(g, R0, 0, n);
  e.emit(alu64('add', R0, 1), stx(8, state.reg, 0, R0));
  g.free(state);
  base(g, R0);
  e.emit(ldx(8, R3, R0, ADDR), ldx(8, R4, R0, START), ldx(8, R2, R0, END));
  clamp(g, R4, 0, n);
  e.emit(alu64('add', R3, R4), alu64('sub', R2, R4));
  copySlice(g, out, n);
  const res = g.alloc();
  g.scratchPtr(res.reg, out);
  e.emit(ja(done));
  e.place(none);
  // No token: NULL, and nothing left to continue with.
  lookupState(g, KEY);
  const skip = e.newLabel('tz');
  e.emit(jmp('jeq', R0, 0, skip), st(8, R0, 0, 0));
  e.place(skip);
  e.emit(mov64(res.reg, 0));
  e.place(done);
  return { ptr: res, maxLen: n };
}

/** r0 = the strtok map's value (or NULL), its key (0) at scratch + key. Clobbers r0-r5. */
function lookupState(g: Gen, key: number): void {
  base(g, R2);
  g.e.emit(st(8, R2, key, 0), alu64('add', R2, key), ldMap(R1, STRTOK_MAP), call(Helper.map_lookup_elem));
}

/**
 * r2 = the state's character at the position held in the scratch variable `posVar` (r0 = that position);
 * jumps to `end` past the buffer. Clobbers r0, r2.
 */
function charAt(g: Gen, state: typeof R0, posVar: number, end: string): void {
  const e = g.e;
  ldVar(g, R0, posVar);
  exitIf(g, 'jge', R0, g.sema.strsize, end);
  e.emit(mov64(R2, state), alu64('add', R2, R0), ldx(1, R2, R2, 8));
}

/** For the byte in `c`: r4 = scratch base + c / 8 (its byte of the map), r3 = its bit. Clobbers r3-r5. */
function bitAddr(g: Gen, c: typeof R0): void {
  const e = g.e;
  base(g, R4);
  e.emit(mov64(R3, c), alu64('rsh', R3, 3), alu64('add', R4, R3));
  e.emit(mov64(R3, c), alu64('and', R3, 7), mov64(R5, 1), alu64('lsh', R5, R3), mov64(R3, R5));
}
