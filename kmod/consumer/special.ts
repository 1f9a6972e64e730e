// Decoding stack(), ustack(), sym()/func()/mod() values from records and keys into DTrace's text.
import type { SpecialType } from '../../d/types.js';
import { formatKernelAddr, formatKernelModule } from '../symbols/kallsyms.js';
import { formatUserAddr, formatUserModule } from '../symbols/process.js';

export interface DecodedStack {
  frames: string[];
  pcs: bigint[];
  pid?: number;
}

export function decodeStack(buf: Buffer, at: number, t: SpecialType): DecodedStack {
  const user = t.kind === 'ustack';
  const bytes = Number(buf.readBigUInt64LE(at));
  const pid = user ? Number(buf.readBigUInt64LE(at + 8)) : undefined;
  const first = at + (user ? 16 : 8);
  const n = Math.min(Math.floor(bytes / 8), t.frames ?? 20);
  const pcs: bigint[] = [];
  for (let i = 0; i < n; i++) pcs.push(buf.readBigUInt64LE(first + 8 * i));
  const frames = pcs.map((pc) => (user ? formatUserAddr(pid!, pc) : formatKernelAddr(pc)));
  return { frames, pcs, pid };
}

/** A sym()/func()/mod() (or user) value: its address and the text DTrace prints. */
export function decodeSym(buf: Buffer, at: number, t: SpecialType): { addr: bigint; text: string; pid?: number } {
  const addr = buf.readBigUInt64LE(at);
  if (t.kind === 'usym') {
    const pid = Number(buf.readBigUInt64LE(at + 8));
    const text = t.fn === 'mod' ? formatUserModule(pid, addr) : formatUserAddr(pid, addr, t.fn !== 'func');
    return { addr, text, pid };
  }
  const text = t.fn === 'mod' ? formatKernelModule(addr) : formatKernelAddr(addr, t.fn !== 'func');
  return { addr, text };
}
