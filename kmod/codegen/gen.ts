// The per-program generator state shared by expression, action and aggregation code generation.
import type { Clause, Expr, Pos } from '../../d/ast.js';
import { DError } from '../../d/errors.js';
import type { Sema } from '../../d/checker.js';
import {
  R0, R1, R2, R3, R10, call, jmp, ja, ldMap, ldMapValue, ldx, mov64, st, stx, add64, ldImm64, type Reg,
} from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import { Emitter, type Val } from './emitter.js';
import { CTX_SLOT } from './frame.js';
import type { ProbeContext } from './context.js';
import { Layout, MapName } from './layout.js';
import type { Probe } from '../probes/probe.js';
import { Fault, type AggPlan, type Field, type VarPlan } from './plan.js';

/** Stack slots of the program frame (offsets from r10). */
export const Slot = {
  ctx: CTX_SLOT,
  scratch: -16,
  zeroKey: -24,
  /** The fault record under construction: [u32 0][u32 cpu][u32 epid][u32 fault][u64 addr][u32 action][u32 pad]. */
  faultRec: -56,
  /** Where scalar loads from kernel or user memory land before going into a register. */
  loadTmp: -64,
  /** The speculation this clause's record goes to (speculate()), 0 for the principal buffer. */
  spec: -72,
  /** dtrace:::ERROR's arguments (arg0..arg5), handed to the ERROR subprogram on a fault. */
  errorArgs: -120,
} as const;
export const RESERVED_STACK = 120;

export interface ClauseState {
  clause: Clause;
  epid: number;
  /** 1-based index of the action being generated; 0 in the predicate. */
  action: number;
  faultLabel: string;
  /** Set once some path jumps to the fault label (the fault block is emitted only then). */
  faultUsed: boolean;
  /** Next free byte of scratch for this clause's temporaries. */
  scratchTop: number;
  /** Offsets of each data action's fields in the record, in action order. */
  recordFields: Map<Expr, Field[]>;
  recordSize: number;
}

export class Gen {
  readonly e: Emitter;
  clause!: ClauseState;
  /** Stack slots of this-> integer variables and scratch offsets of this-> strings. */
  readonly thisSlots = new Map<string, number>();
  readonly thisStrings = new Map<string, number>();
  /** Where the clause's record starts in scratch (after this-> strings). */
  recordBase = 0;
  usesScratch = false;
  /** A clause calls strtok(): each firing starts with no string being tokenized. */
  usesStrtok = false;

  constructor(
    readonly sema: Sema,
    readonly probe: Probe,
    readonly layout: Layout,
    readonly ctx: ProbeContext,
    readonly aggs: Map<string, AggPlan>,
    readonly vars: Map<string, VarPlan>,
    labelPrefix = '',
  ) {
    this.e = new Emitter(RESERVED_STACK, labelPrefix);
  }

  error(msg: string, pos?: Pos): never {
    throw new DError(msg, pos ?? this.e.pos);
  }

  /** Bytes of per-CPU scratch for a temporary of this clause (8-aligned); returns its offset. */
  scratchAlloc(size: number): number {
    const off = this.clause.scratchTop;
    this.clause.scratchTop += (size + 7) & ~7;
    this.layout.needScratch(this.clause.scratchTop);
    return off;
  }

  /** dst = address of scratch + off. */
  scratchPtr(dst: Reg, off = 0): void {
    this.usesScratch = true;
    this.e.emit(ldx(8, dst, R10, Slot.scratch));
    if (off) this.e.emit(add64(dst, off));
  }

  /** dst = ctx pointer. */
  ctxPtr(dst: Reg): void {
    this.e.emit(ldx(8, dst, R10, Slot.ctx));
  }

  /** dst = &globals value + off. */
  globalPtr(dst: Reg, off: number): void {
    this.e.emit(ldMapValue(dst, MapName.globals, off));
  }

  /** dst = address of a string constant. */
  constString(dst: Reg, s: string, maxLen: number): void {
    this.e.emit(ldMapValue(dst, MapName.rodata, this.layout.constant(s, maxLen)));
  }

  /** Records the fault and aborts the clause: kind, the faulting address (a register or a constant). */
  fault(kind: number, addr: Reg | bigint): void {
    const f = Slot.faultRec;
    const e = this.e;
    this.clause.faultUsed = true;
    e.emit(st(4, R10, f + 12, kind));
    if (typeof addr === 'bigint') {
      e.emit(ldImm64(R0, addr), stx(8, R10, f + 16, R0));
    } else e.emit(stx(8, R10, f + 16, addr));
    e.emit(st(4, R10, f + 24, this.clause.action));
    e.emit(ja(this.clause.faultLabel));
  }

  /** Jumps to the fault path when r0 (a helper's result) is negative: the read at `addr` failed. */
  faultIfNegative(addr: Reg): void {
    const ok = this.e.newLabel('ok');
    this.e.emit(jmp('jsge', R0, 0, ok));
    this.fault(Fault.BADADDR, addr);
    this.e.place(ok);
  }

  /**
   * Copies `size` bytes from the address in `src` (user or kernel, told apart by the address) to `dst`
   * (a register holding an address, or a stack offset), faulting on a bad address. Clobbers r0-r5.
   */
  readMem(dst: Reg | number, size: number | Reg, src: Reg, str = false): void {
    const e = this.e;
    const kernel = e.newLabel('kread');
    const done = e.newLabel('rdone');
    e.emit(ldImm64(R1, 0x0000800000000000n), jmp('jge', src, R1, kernel));
    this.readCall(dst, size, src, str ? Helper.probe_read_user_str : Helper.probe_read_user);
    e.emit(ja(done));
    e.place(kernel);
    this.readCall(dst, size, src, str ? Helper.probe_read_kernel_str : Helper.probe_read_kernel);
    e.place(done);
    this.faultIfNegative(src);
  }

  private readCall(dst: Reg | number, size: number | Reg, src: Reg, helper: number): void {
    if (typeof dst === 'number') this.e.emit(mov64(R1, R10), add64(R1, dst));
    else this.e.emit(mov64(R1, dst));
    this.e.emit(typeof size === 'number' ? mov64(R2, size) : mov64(R2, size), mov64(R3, src), call(helper));
  }

  /** r0 = map lookup of the key at [r10+keySlot] or the key pointer in `keyReg`. */
  lookup(map: string, key: Reg | number): void {
    this.e.emit(ldMap(R1, map));
    if (typeof key === 'number') this.e.emit(mov64(R2, R10), add64(R2, key));
    else this.e.emit(mov64(R2, key));
    this.e.emit(call(Helper.map_lookup_elem));
  }

  /** Allocates a value register. */
  alloc(): Val {
    return this.e.alloc();
  }

  free(...vs: (Val | undefined)[]): void {
    for (const v of vs) this.e.free(v);
  }
}
