// EPIDs, probe IDs and probe names in a program that serves a group of fbt probes.
//
// One kprobe program is attached to every function of a group; each attachment carries a BPF cookie,
// the member's index k in the group (kmod/probes/probe.ts: FbtGroup). The prologue saves the cookie in
// a stack slot; a clause's EPID for member k is its first EPID + k (compilation numbers a group's EPIDs
// consecutively, clause by clause); `id`, `probefunc` and `probemod` come from a table in the rodata map
// indexed by k: [u32 probe ID][u32 offset of the function name][u32 offset of the module name][u32 0].
import { R0, R1, R2, R3, R10, add64, alu64, call, jmp, ldMapValue, ldx, mov64, st, stx, type Insn, type Reg } from '../asm/insn.js';
import { Helper } from '../asm/helpers.js';
import type { FbtGroup, Probe } from '../probes/probe.js';
import type { Emitter, Val } from './emitter.js';
import { Slot, type Gen } from './gen.js';
import { MapName, type Layout } from './layout.js';

const TABLE_ENTRY = 16;

const cookieSlots = new WeakMap<Gen, number>();
const tables = new WeakMap<Layout, Map<FbtGroup, number>>();

export function fbtGroupOf(probe: Probe): FbtGroup | undefined {
  const a = probe.attach;
  return a.kind === 'fbt' ? a.group : undefined;
}

/** Declares the stack slot where a group's program keeps its cookie (before any clause is generated). */
export function useCookieSlot(g: Gen, slot: number): void {
  cookieSlots.set(g, slot);
}

/** Prologue of a group's program (r1-r5 free, ctx saved): the attachment's cookie into its slot. */
export function saveCookie(g: Gen, prologue: Emitter): void {
  const slot = cookieSlots.get(g);
  if (slot === undefined) return;
  prologue.emit(ldx(8, R1, R10, Slot.ctx), call(Helper.get_attach_cookie), stx(8, R10, slot, R0));
}

/** True when `g` generates a group's program (EPIDs and probe identity known only when it runs). */
export function inGroup(g: Gen): boolean {
  return cookieSlots.has(g);
}

/** Stores the clause's EPID (u32) at [base + off]; in a group's program it is epid + cookie (clobbers r1). */
export function storeEpid(g: Gen, base: Reg, off: number, epid: number): Insn[] {
  const slot = cookieSlots.get(g);
  if (slot === undefined) return [st(4, base, off, epid)];
  return [ldx(8, R1, R10, slot), add64(R1, epid), stx(4, base, off, R1)];
}

/** dst = the clause's EPID (the `epid` built-in variable). */
export function loadEpid(g: Gen, dst: Reg, epid: number): void {
  const slot = cookieSlots.get(g);
  if (slot === undefined) g.e.emit(mov64(dst, epid));
  else g.e.emit(ldx(8, dst, R10, slot), add64(dst, epid));
}

/** The group's table in rodata, made on first use (names first, so every name lies below the table). */
function table(g: Gen, group: FbtGroup): number {
  let byGroup = tables.get(g.layout);
  if (!byGroup) tables.set(g.layout, (byGroup = new Map()));
  const have = byGroup.get(group);
  if (have !== undefined) return have;
  const buf = Buffer.alloc(TABLE_ENTRY * group.probes.length);
  group.probes.forEach((p, k) => {
    buf.writeUInt32LE(p.id, k * TABLE_ENTRY);
    buf.writeUInt32LE(g.layout.constant(p.func, Buffer.byteLength(p.func) + 1), k * TABLE_ENTRY + 4);
    buf.writeUInt32LE(g.layout.constant(p.module, Buffer.byteLength(p.module) + 1), k * TABLE_ENTRY + 8);
  });
  const off = g.layout.blob(buf);
  byGroup.set(group, off);
  return off;
}

/** dst = the u32 at `field` of this firing's table entry (clobbers r0). */
function entryField(g: Gen, group: FbtGroup, dst: Reg, field: number): number {
  const slot = cookieSlots.get(g)!;
  const off = table(g, group);
  const ok = g.e.newLabel('gk');
  // k < n always; the check tells the verifier the entry lies inside the table
  g.e.emit(ldx(8, R0, R10, slot), jmp('jlt', R0, group.probes.length, ok), mov64(R0, 0));
  g.e.place(ok);
  g.e.emit(alu64('lsh', R0, 4), ldMapValue(dst, MapName.rodata, off), alu64('add', dst, R0), ldx(4, dst, dst, field));
  return off;
}

/** dst = the probe ID of this firing (the `id` built-in variable). */
export function loadProbeId(g: Gen, dst: Reg): boolean {
  const group = fbtGroupOf(g.probe);
  if (!group || !inGroup(g)) return false;
  entryField(g, group, dst, 0);
  return true;
}

/**
 * probefunc or probemod of this firing, copied from the table's names into a scratch buffer of
 * `maxLen` bytes; undefined outside a group's program.
 */
export function groupProbeString(g: Gen, which: 'func' | 'module', maxLen: number): { ptr: Val; maxLen: number } | undefined {
  const group = fbtGroupOf(g.probe);
  if (!group || !inGroup(g)) return undefined;
  const v = g.alloc();
  const tableOff = entryField(g, group, v.reg, which === 'func' ? 4 : 8);
  const ok = g.e.newLabel('gn');
  g.e.emit(jmp('jlt', v.reg, tableOff, ok), mov64(v.reg, 0));
  g.e.place(ok);
  g.e.emit(ldMapValue(R3, MapName.rodata, 0), alu64('add', R3, v.reg));
  const buf = g.scratchAlloc(maxLen);
  g.scratchPtr(v.reg, buf);
  g.e.emit(mov64(R1, v.reg), mov64(R2, maxLen), call(Helper.probe_read_kernel_str));
  return { ptr: v, maxLen };
}
