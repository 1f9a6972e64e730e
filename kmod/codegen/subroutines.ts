// Subroutines that return integers: strlen, rand, byte-order conversions.
import type { Call } from '../../d/ast.js';
import { R0, R1, R2, alu64, atomicOp, bswapToBe, call, ja, jmp, ldMapValue, ldx, mov64 } from '../asm/insn.js';
import { BPF_CMPXCHG } from '../asm/opcodes.js';
import { MapName } from './layout.js';
import { Counter, NSPEC } from './plan.js';
import { bumpCounter } from './vars.js';
import { Helper } from '../asm/helpers.js';
import type { Val } from './emitter.js';
import type { Gen } from './gen.js';
import { evalInt } from './expr.js';
import { evalStr } from './strings.js';
import { intStringSubroutine, intStringSubroutineNames } from './string-subroutines.js';

export function intSubroutine(g: Gen, c: Call): Val {
  if (intStringSubroutineNames.has(c.callee)) return intStringSubroutine(g, c);
  switch (c.callee) {
    case 'strlen': {
      const s = evalStr(g, c.args[0]);
      const out = g.alloc();
      const loop = g.e.newLabel('sl');
      const done = g.e.newLabel('sld');
      g.e.emit(mov64(out.reg, 0));
      g.e.place(loop);
      g.e.emit(jmp('jge', out.reg, s.maxLen, done), mov64(R1, s.ptr.reg), alu64('add', R1, out.reg), ldx(1, R1, R1, 0),
        jmp('jeq', R1, 0, done), alu64('add', out.reg, 1), ja(loop));
      g.e.place(done);
      g.free(s.ptr);
      return out;
    }
    case 'speculation': {
      // Claims a free speculation slot with compare-and-exchange; 0 when none is free.
      const out = g.alloc();
      const got = g.e.newLabel('spgot');
      const done = g.e.newLabel('spdone');
      const p = g.alloc();
      g.e.emit(ldMapValue(p.reg, MapName.spec, 0));
      for (let i = 0; i < NSPEC; i++) {
        g.e.emit(mov64(out.reg, i + 1), mov64(R0, 0), mov64(R1, 1), atomicOp(8, p.reg, 8 * i, R1, BPF_CMPXCHG), jmp('jeq', R0, 0, got));
      }
      g.e.emit(mov64(out.reg, 0));
      bumpCounter(g, Counter.SPECDROPS);
      g.e.emit(ja(done));
      g.e.place(got);
      g.e.place(done);
      g.free(p);
      return out;
    }
    case 'rand': {
      const out = g.alloc();
      g.e.emit(call(Helper.get_prandom_u32), mov64(out.reg, R0));
      return out;
    }
    case 'htons':
    case 'ntohs':
    case 'htonl':
    case 'ntohl':
    case 'htonll':
    case 'ntohll': {
      const v = evalInt(g, c.args[0]);
      const bits = c.callee.endsWith('ll') ? 64 : c.callee.endsWith('s') ? 16 : 32;
      g.e.emit(bswapToBe(v.reg, bits));
      return v;
    }
  }
  void R2;
  return g.error(`${c.callee}( ) is not supported yet`, c.pos);
}
