// Loads of D's built-in integer variables (pid, tid, timestamp, argN, ...).
import { R0, R1, R2, R3, R4, alu64, call, ja, jmp, ldImm64, ldx, mov32, mov64, type Reg } from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import type { Gen } from './gen.js';
import { loadEpid, loadProbeId } from './probe-ids.js';

/** Monotonic-to-realtime offset in ns, fixed when the program is generated (walltimestamp). */
function wallOffset(): bigint {
  return BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
}

export function loadBuiltinInt(g: Gen, name: string, dst: Reg): void {
  const e = g.e;
  const m = /^arg(\d)$/.exec(name);
  if (m) {
    g.ctx.loadArg(e, Number(m[1]), dst);
    return;
  }
  switch (name) {
    case 'pid':
      e.emit(call(Helper.get_current_pid_tgid), mov64(dst, R0), alu64('rsh', dst, 32));
      return;
    case 'tid':
      e.emit(call(Helper.get_current_pid_tgid), mov32(dst, R0));
      return;
    case 'uid':
      e.emit(call(Helper.get_current_uid_gid), mov32(dst, R0));
      return;
    case 'gid':
      e.emit(call(Helper.get_current_uid_gid), mov64(dst, R0), alu64('rsh', dst, 32));
      return;
    case 'cpu':
    case 'curcpu':
      e.emit(call(Helper.get_smp_processor_id), mov64(dst, R0));
      return;
    case 'timestamp':
      e.emit(call(Helper.ktime_get_ns), mov64(dst, R0));
      return;
    case 'walltimestamp':
      e.emit(call(Helper.ktime_get_ns), ldImm64(dst, wallOffset()), alu64('add', dst, R0));
      return;
    case 'curthread':
      e.emit(call(Helper.get_current_task), mov64(dst, R0));
      return;
    case 'id':
      if (!loadProbeId(g, dst)) e.emit(mov64(dst, g.probe.id));
      return;
    case 'epid':
      loadEpid(g, dst, g.clause.epid);
      return;
    case 'errno': {
      const a = g.probe.attach;
      if (a.kind !== 'tracepoint' || a.group !== 'syscalls' || !a.event.startsWith('sys_exit_')) {
        e.emit(mov64(dst, 0));
        return;
      }
      const zero = e.newLabel('ez');
      const done = e.newLabel('ed');
      g.ctx.loadArg(e, 0, dst);
      e.emit(jmp('jsge', dst, 0, zero), jmp('jslt', dst, -4095, zero), alu64('neg', dst), ja(done));
      e.place(zero);
      e.emit(mov64(dst, 0));
      e.place(done);
      return;
    }
    case 'stackdepth':
    case 'ustackdepth':
    case 'caller':
    case 'ucaller': {
      // bpf_get_stack into scratch: the depth is the bytes written / 8; the caller is the second frame
      const user = name === 'ustackdepth' || name === 'ucaller';
      const depth = name.endsWith('depth');
      const frames = depth ? 127 : 2;
      const off = g.scratchAlloc(8 * frames);
      g.ctxPtr(R1);
      g.scratchPtr(R2, off);
      e.emit(mov64(R3, 8 * frames), mov64(R4, user ? 1 << 8 : g.ctx.stackSkip ?? 0), call(Helper.get_stack));
      const ok = e.newLabel('sd');
      const done = e.newLabel('sdd');
      e.emit(jmp('jsgt', R0, 0, ok), mov64(dst, 0), ja(done));
      e.place(ok);
      if (depth) e.emit(mov64(dst, R0), alu64('rsh', dst, 3));
      else {
        e.emit(mov64(dst, 0), jmp('jslt', R0, 16, done));
        g.scratchPtr(dst, off);
        e.emit(ldx(8, dst, dst, 8));
      }
      e.place(done);
      return;
    }
    default:
      g.error(`built-in variable ${name} is not supported yet`);
  }
}
