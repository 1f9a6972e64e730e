// Values that only go into records and keys: stack(), ustack(), and the addresses of func()/sym()/mod() and their user forms.
import type { Call, Expr } from '../../d/ast.js';
import type { SpecialType } from '../../d/types.js';
import { R0, R1, R2, R3, R4, alu64, call, jmp, mov64, stx, add64, type Reg } from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import type { Gen } from './gen.js';
import { evalInt } from './expr.js';

const BPF_F_USER_STACK = 1 << 8;

/** Writes the special value `e` of type `t` at the address held in `dst` (record or key layout of sizeOf(t)). */
export function storeSpecial(g: Gen, dst: Reg, t: SpecialType, e: Expr): void {
  const em = g.e;
  if (t.kind === 'stack' || t.kind === 'ustack') {
    const user = t.kind === 'ustack';
    const frames = t.frames ?? 20;
    const pcs = user ? 16 : 8;
    if (user) em.emit(call(Helper.get_current_pid_tgid), alu64('rsh', R0, 32), stx(8, dst, 8, R0));
    g.ctxPtr(R1);
    em.emit(mov64(R2, dst), add64(R2, pcs), mov64(R3, frames * 8), mov64(R4, user ? BPF_F_USER_STACK : g.ctx.stackSkip ?? 0), call(Helper.get_stack));
    const ok = em.newLabel('stk');
    em.emit(jmp('jsge', R0, 0, ok), mov64(R0, 0));
    em.place(ok);
    em.emit(stx(8, dst, 0, R0));
    return;
  }
  const arg = e.kind === 'call' ? (e as Call).args[0] : e;
  const v = evalInt(g, arg);
  em.emit(stx(8, dst, 0, v.reg));
  g.free(v);
  if (t.kind === 'usym') em.emit(call(Helper.get_current_pid_tgid), alu64('rsh', R0, 32), stx(8, dst, 8, R0));
}
