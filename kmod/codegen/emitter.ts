// The code emitter: instruction list, labels, stack slots and the register pool r6-r9.
import type { Pos } from '../../d/ast.js';
import { DError } from '../../d/errors.js';
import { R10, label as mkLabel, ldx, reg, stx, type Insn, type Item, type Reg } from '../asm/insn.js';

/** A value held in one of the callee-saved registers r6-r9 (they survive helper calls). */
export interface Val {
  reg: Reg;
  freed: boolean;
}

const POOL = [6, 7, 8, 9].map(reg);

export class Emitter {
  readonly items: Item[] = [];
  pos: Pos | undefined;
  private labels = 0;
  /** Lowest stack offset in use (negative, from r10). */
  private stackTop: number;
  private stackLow: number;
  private live: Val[] = [];
  private freeRegs: Reg[] = [...POOL];

  /** `labelPrefix` keeps labels apart when two functions (a program and its subprogram) share one listing. */
  constructor(reservedStack: number, private readonly labelPrefix = '') {
    this.stackTop = -reservedStack;
    this.stackLow = this.stackTop;
  }

  emit(...insns: Insn[]): void {
    for (const i of insns) {
      if (this.pos && !i.pos) i.pos = this.pos;
      this.items.push(i);
    }
  }

  newLabel(prefix = 'L'): string {
    return `${this.labelPrefix}${prefix}${this.labels++}`;
  }

  place(name: string): void {
    this.items.push(mkLabel(name));
  }

  /** Allocates `size` bytes of stack (8-aligned) and returns its offset from r10. */
  stackAlloc(size: number): number {
    this.stackTop -= (size + 7) & ~7;
    if (this.stackTop < -512) throw new DError('clause needs more than the 512-byte BPF stack', this.pos);
    this.stackLow = Math.min(this.stackLow, this.stackTop);
    return this.stackTop;
  }

  /** Current stack mark, to release temporaries with `stackRelease`. */
  stackMark(): number {
    return this.stackTop;
  }

  stackRelease(mark: number): void {
    this.stackTop = mark;
  }

  get stackUsed(): number {
    return -this.stackLow;
  }

  /** A fresh value in a register (binary operators spill to the stack rather than run out: expr.ts). */
  alloc(): Val {
    const r = this.freeRegs.pop();
    if (!r) throw new DError('expression is too complex', this.pos);
    const v: Val = { reg: r, freed: false };
    this.live.push(v);
    return v;
  }

  /** Claims a particular free register (the join of two branches that each left their value in it). */
  allocReg(r: Reg): Val {
    const i = this.freeRegs.indexOf(r);
    if (i < 0) throw new Error(`codegen: register r${r.r} is not free`);
    this.freeRegs.splice(i, 1);
    const v: Val = { reg: r, freed: false };
    this.live.push(v);
    return v;
  }

  /** The register of `v`. */
  r(v: Val): Reg {
    if (v.freed) throw new Error('codegen: use of a freed value');
    return v.reg;
  }

  free(v: Val | undefined): void {
    if (!v || v.freed) return;
    v.freed = true;
    this.freeRegs.push(v.reg);
    this.live.splice(this.live.indexOf(v), 1);
  }

  /** Moves `v` out to the stack slot at `slot`, freeing its register until `reload`. */
  spill(v: Val, slot: number): void {
    this.emit(stx(8, R10, slot, this.r(v)));
    this.free(v);
  }

  /** Brings a spilled `v` back into a free register (not always the one it had). */
  reload(v: Val, slot: number): void {
    const r = this.freeRegs.pop();
    if (!r) throw new DError('expression is too complex', this.pos);
    v.reg = r;
    v.freed = false;
    this.live.push(v);
    this.emit(ldx(8, r, R10, slot));
  }

  /** Registers free for new values. */
  get freeCount(): number {
    return this.freeRegs.length;
  }

  /** Live values (for checks at clause boundaries). */
  get liveCount(): number {
    return this.live.length;
  }

  /** Forget every value (after a clause, whose values are all dead). */
  resetValues(): void {
    for (const v of this.live) v.freed = true;
    this.live = [];
    this.freeRegs = [...POOL];
  }
}
