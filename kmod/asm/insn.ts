// eBPF instructions as plain values, and the typed builders that make them.
import type { Pos } from '../../d/ast.js';
import {
  BPF_ALU, BPF_ALU64, BPF_ATOMIC, BPF_DW, BPF_IMM, BPF_JMP, BPF_JMP32, BPF_K, BPF_LD, BPF_LDX, BPF_MEM, BPF_MEMSX,
  BPF_ST, BPF_STX, BPF_X, BPF_PSEUDO_CALL, Alu, Jmp, sizeBits, type AluOp, type JmpOp, type Size,
} from './opcodes.js';

/** A register r0..r10, distinct from an immediate number. */
export interface Reg {
  readonly r: number;
}
const regs: Reg[] = Array.from({ length: 11 }, (_, r) => Object.freeze({ r }));
export const [R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10] = regs;
export const reg = (n: number): Reg => regs[n];

/** One 8-byte instruction (LD_IMM64 is one Insn that encodes to two slots). */
export interface Insn {
  kind: 'insn';
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
  /** Upper 32 bits of a 64-bit immediate (LD_IMM64 only). */
  imm2?: number;
  /** Jump target label, resolved by the assembler into `off`. */
  target?: string;
  /** LD_IMM64 of a map's fd or value address, resolved by the assembler. */
  map?: string;
  /** A BPF-to-BPF call to this label. */
  callTarget?: string;
  /** Where in D source this instruction comes from (for verifier messages). */
  pos?: Pos;
}

/** A jump target. */
export interface Label {
  kind: 'label';
  name: string;
}

export type Item = Insn | Label;

const isReg = (v: Reg | number): v is Reg => typeof v === 'object';

function insn(code: number, dst: number, src: number, off: number, imm: number): Insn {
  return { kind: 'insn', code, dst, src, off, imm: imm | 0 };
}

export const label = (name: string): Label => ({ kind: 'label', name });

function alu(cls: number, op: AluOp, dst: Reg, v: Reg | number): Insn {
  return isReg(v) ? insn(cls | Alu[op] | BPF_X, dst.r, v.r, 0, 0) : insn(cls | Alu[op] | BPF_K, dst.r, 0, 0, v);
}

/** 64-bit ALU: `dst = dst OP src|imm` (`mov`: dst = v; `neg`: dst = -dst). */
export const alu64 = (op: AluOp, dst: Reg, v: Reg | number = 0): Insn => alu(BPF_ALU64, op, dst, v);
/** 32-bit ALU (zero-extends the result). */
export const alu32 = (op: AluOp, dst: Reg, v: Reg | number = 0): Insn => alu(BPF_ALU, op, dst, v);

export const mov64 = (dst: Reg, v: Reg | number) => alu64('mov', dst, v);
export const mov32 = (dst: Reg, v: Reg | number) => alu32('mov', dst, v);
export const add64 = (dst: Reg, v: Reg | number) => alu64('add', dst, v);
export const sub64 = (dst: Reg, v: Reg | number) => alu64('sub', dst, v);
export const and64 = (dst: Reg, v: Reg | number) => alu64('and', dst, v);
export const rsh64 = (dst: Reg, v: Reg | number) => alu64('rsh', dst, v);
export const lsh64 = (dst: Reg, v: Reg | number) => alu64('lsh', dst, v);
export const neg64 = (dst: Reg) => alu64('neg', dst, 0);

/** Signed division and modulo (cpu v4: the `off` field is 1). */
export function sdiv64(dst: Reg, v: Reg | number): Insn {
  return { ...alu64('div', dst, v), off: 1 };
}
export function smod64(dst: Reg, v: Reg | number): Insn {
  return { ...alu64('mod', dst, v), off: 1 };
}

/** Byte swap: to big endian (`be`) of 16/32/64 bits (the ALU END opcode with BPF_X meaning "to BE"). */
export function bswapToBe(dst: Reg, bits: 16 | 32 | 64): Insn {
  return insn(BPF_ALU | Alu.end | BPF_X, dst.r, 0, 0, bits);
}

/** Sign-extending 64-bit move of the low 8/16/32 bits (cpu v4 MOVSX). */
export function movsx64(dst: Reg, src: Reg, bits: 8 | 16 | 32): Insn {
  return insn(BPF_ALU64 | Alu.mov | BPF_X, dst.r, src.r, bits, 0);
}

/** `dst = *(size *)(src + off)` */
export const ldx = (size: Size, dst: Reg, src: Reg, off: number): Insn =>
  insn(BPF_LDX | sizeBits(size) | BPF_MEM, dst.r, src.r, off, 0);
/** Sign-extending load (cpu v4). */
export const ldxs = (size: 1 | 2 | 4, dst: Reg, src: Reg, off: number): Insn =>
  insn(BPF_LDX | sizeBits(size) | BPF_MEMSX, dst.r, src.r, off, 0);
/** `*(size *)(dst + off) = src` */
export const stx = (size: Size, dst: Reg, off: number, src: Reg): Insn =>
  insn(BPF_STX | sizeBits(size) | BPF_MEM, dst.r, src.r, off, 0);
/** `*(size *)(dst + off) = imm` */
export const st = (size: Size, dst: Reg, off: number, imm: number): Insn =>
  insn(BPF_ST | sizeBits(size) | BPF_MEM, dst.r, 0, off, imm);
/** `lock *(size *)(dst + off) += src` (size 4 or 8). */
export const atomicAdd = (size: 4 | 8, dst: Reg, off: number, src: Reg): Insn =>
  insn(BPF_STX | sizeBits(size) | BPF_ATOMIC, dst.r, src.r, off, 0x00);
/** Any other atomic operation by its imm encoding (BPF_XCHG, BPF_CMPXCHG, BPF_OR|BPF_FETCH...). */
export const atomicOp = (size: 4 | 8, dst: Reg, off: number, src: Reg, op: number): Insn =>
  insn(BPF_STX | sizeBits(size) | BPF_ATOMIC, dst.r, src.r, off, op);

/** `dst = imm64` (two slots). */
export function ldImm64(dst: Reg, value: bigint): Insn {
  const v = BigInt.asUintN(64, value);
  const i = insn(BPF_LD | BPF_DW | BPF_IMM, dst.r, 0, 0, Number(v & 0xffffffffn));
  i.imm2 = Number(v >> 32n) | 0;
  return i;
}
/** `dst = &map` (a map reference, resolved to the map's fd by the assembler). */
export function ldMap(dst: Reg, map: string): Insn {
  return { ...insn(BPF_LD | BPF_DW | BPF_IMM, dst.r, 1, 0, 0), imm2: 0, map };
}
/** `dst = &map_value[0] + off` for a single-entry array map (BPF_PSEUDO_MAP_VALUE). */
export function ldMapValue(dst: Reg, map: string, off = 0): Insn {
  return { ...insn(BPF_LD | BPF_DW | BPF_IMM, dst.r, 2, 0, 0), imm2: off, map };
}

/** Conditional jump: `if dst OP v goto target` (64-bit compare). */
export function jmp(op: JmpOp, dst: Reg, v: Reg | number, target: string): Insn {
  const i = isReg(v) ? insn(BPF_JMP | Jmp[op] | BPF_X, dst.r, v.r, 0, 0) : insn(BPF_JMP | Jmp[op] | BPF_K, dst.r, 0, 0, v);
  i.target = target;
  return i;
}
/** Conditional jump on the low 32 bits. */
export function jmp32(op: JmpOp, dst: Reg, v: Reg | number, target: string): Insn {
  const i = isReg(v) ? insn(BPF_JMP32 | Jmp[op] | BPF_X, dst.r, v.r, 0, 0) : insn(BPF_JMP32 | Jmp[op] | BPF_K, dst.r, 0, 0, v);
  i.target = target;
  return i;
}
export function ja(target: string): Insn {
  const i = insn(BPF_JMP | Jmp.ja, 0, 0, 0, 0);
  i.target = target;
  return i;
}
/** Call a kernel helper by number. */
export const call = (helper: number): Insn => insn(BPF_JMP | Jmp.call, 0, 0, 0, helper);
/** BPF-to-BPF call of a subprogram starting at a label. */
export function callLocal(target: string): Insn {
  return { ...insn(BPF_JMP | Jmp.call, 0, BPF_PSEUDO_CALL, 0, 0), callTarget: target };
}
export const exit = (): Insn => insn(BPF_JMP | Jmp.exit, 0, 0, 0, 0);

/** Attach a D source position to instructions (for mapping verifier errors back to D). */
export function at<T extends Item>(pos: Pos | undefined, items: T[]): T[] {
  if (pos) for (const i of items) if (i.kind === 'insn' && !i.pos) i.pos = pos;
  return items;
}

export const isLdImm64 = (i: Insn): boolean => i.code === (BPF_LD | BPF_DW | BPF_IMM);
