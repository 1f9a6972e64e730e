// The assembler: resolves labels and map references and encodes instructions to bytes.
import { isLdImm64, type Insn, type Item } from './insn.js';

import { DError } from '../../d/errors.js';

/** A program the BPF instruction set cannot express (a jump too far): reported like a compile error. */
export class AsmError extends DError {}

export interface Assembled {
  bytes: Buffer;
  /** The Insn at each 8-byte slot (LD_IMM64's second slot repeats its Insn), for verifier messages. */
  slots: Insn[];
}

/**
 * Encodes `items`; `mapFd` gives the fd of each map name referenced by ldMap/ldMapValue.
 * Jump offsets are counted in slots from the instruction after the jump.
 */
export function assemble(items: Item[], mapFd: (name: string) => number = () => {
  throw new AsmError('no maps');
}): Assembled {
  const where = new Map<string, number>();
  const slots: Insn[] = [];
  for (const it of items) {
    if (it.kind === 'label') {
      if (where.has(it.name)) throw new AsmError(`duplicate label ${it.name}`);
      where.set(it.name, slots.length);
    } else {
      slots.push(it);
      if (isLdImm64(it)) slots.push(it);
    }
  }
  const bytes = Buffer.alloc(slots.length * 8);
  let s = 0;
  for (const it of items) {
    if (it.kind === 'label') continue;
    let off = it.off;
    let imm = it.imm;
    let imm2 = it.imm2 ?? 0;
    const target = it.target ?? it.callTarget;
    if (target !== undefined) {
      const t = where.get(target);
      if (t === undefined) throw new AsmError(`undefined label ${target}`);
      const rel = t - (s + 1);
      if (it.callTarget !== undefined) imm = rel;
      else {
        if (rel < -32768 || rel > 32767) throw new AsmError(`clause is too long for one BPF program (a jump of ${rel} instructions)`, it.pos);
        off = rel;
      }
    }
    if (it.map !== undefined) {
      imm = mapFd(it.map);
      imm2 = it.src === 2 ? it.imm2 ?? 0 : 0;
    }
    const b = s * 8;
    bytes[b] = it.code;
    bytes[b + 1] = ((it.src & 0xf) << 4) | (it.dst & 0xf);
    bytes.writeInt16LE(off, b + 2);
    bytes.writeInt32LE(imm | 0, b + 4);
    s++;
    if (isLdImm64(it)) {
      bytes.writeInt32LE(imm2 | 0, b + 12);
      s++;
    }
  }
  return { bytes, slots };
}
