// Test-only BTF encoder: builds small base or split BTF blobs type by type, in either byte order.
import {
  BTF_MAGIC, KIND_ARRAY, KIND_CONST, KIND_DATASEC, KIND_DECL_TAG, KIND_ENUM, KIND_ENUM64, KIND_FLOAT, KIND_FUNC,
  KIND_FUNC_PROTO, KIND_FWD, KIND_INT, KIND_PTR, KIND_RESTRICT, KIND_STRUCT, KIND_TYPEDEF, KIND_TYPE_TAG, KIND_UNION,
  KIND_VAR, KIND_VOLATILE, makeInfo,
} from '../../../kmod/btf/format.js';

export interface MemberSpec { name: string; type: number; bitOffset: number; bitfieldSize?: number }
export interface IntOpts { signed?: boolean; char?: boolean; bool?: boolean; bits?: number; offset?: number }
const LINK = { static: 0, global: 1, extern: 2 } as const;
type Link = keyof typeof LINK;

export class BtfEncoder {
  private readonly types: number[][] = [];
  private readonly strs: string[] = [];
  private readonly strOff = new Map<string, number>();
  private strSize: number;
  private readonly startId: number;
  private readonly strStart: number;

  /** For split BTF pass the base's `endId` and `strEnd`. */
  constructor(split?: { startId: number; strStart: number }) {
    this.startId = split?.startId ?? 1;
    this.strStart = split?.strStart ?? 0;
    if (split) this.strSize = 0;
    else {
      this.strs.push('');
      this.strSize = 1;
    }
  }

  /** Offset of `s` in the (combined) string section; '' is always 0. */
  str(s: string): number {
    if (s === '') return 0;
    let off = this.strOff.get(s);
    if (off === undefined) {
      off = this.strStart + this.strSize;
      this.strOff.set(s, off);
      this.strs.push(s);
      this.strSize += Buffer.byteLength(s) + 1;
    }
    return off;
  }

  /** Appends raw words (name_off, info, size|type, trailing...) and returns the new type id. */
  raw(words: number[]): number {
    this.types.push(words.map((w) => w >>> 0));
    return this.startId + this.types.length - 1;
  }

  private ref(kind: number, name: string, type: number, kflag = false): number {
    return this.raw([this.str(name), makeInfo(kind, 0, kflag), type]);
  }

  int(name: string, size: number, o: IntOpts = {}): number {
    const enc = (o.signed ? 1 : 0) | (o.char ? 2 : 0) | (o.bool ? 4 : 0);
    return this.raw([this.str(name), makeInfo(KIND_INT, 0), size, (enc << 24) | ((o.offset ?? 0) << 16) | (o.bits ?? size * 8)]);
  }
  ptr(type: number): number { return this.ref(KIND_PTR, '', type); }
  typedef(name: string, type: number): number { return this.ref(KIND_TYPEDEF, name, type); }
  volatile(type: number): number { return this.ref(KIND_VOLATILE, '', type); }
  const(type: number): number { return this.ref(KIND_CONST, '', type); }
  restrict(type: number): number { return this.ref(KIND_RESTRICT, '', type); }
  typeTag(name: string, type: number, attribute = false): number { return this.ref(KIND_TYPE_TAG, name, type, attribute); }
  float(name: string, size: number): number { return this.raw([this.str(name), makeInfo(KIND_FLOAT, 0), size]); }
  fwd(name: string, union = false): number { return this.raw([this.str(name), makeInfo(KIND_FWD, 0, union), 0]); }

  array(elem: number, index: number, nelems: number): number {
    return this.raw([0, makeInfo(KIND_ARRAY, 0), 0, elem, index, nelems]);
  }

  private composite(kind: number, name: string, size: number, members: MemberSpec[]): number {
    const kflag = members.some((m) => m.bitfieldSize);
    const words = [this.str(name), makeInfo(kind, members.length, kflag), size];
    for (const m of members) {
      words.push(this.str(m.name), m.type, kflag ? ((m.bitfieldSize ?? 0) << 24) | m.bitOffset : m.bitOffset);
    }
    return this.raw(words);
  }
  struct(name: string, size: number, members: MemberSpec[]): number { return this.composite(KIND_STRUCT, name, size, members); }
  union(name: string, size: number, members: MemberSpec[]): number { return this.composite(KIND_UNION, name, size, members); }

  enum(name: string, size: number, values: [string, number][], signed = false): number {
    const words = [this.str(name), makeInfo(KIND_ENUM, values.length, signed), size];
    for (const [n, v] of values) words.push(this.str(n), v);
    return this.raw(words);
  }

  enum64(name: string, size: number, values: [string, bigint][], signed = false): number {
    const words = [this.str(name), makeInfo(KIND_ENUM64, values.length, signed), size];
    for (const [n, v] of values) {
      const u = BigInt.asUintN(64, v);
      words.push(this.str(n), Number(u & 0xffffffffn), Number(u >> 32n));
    }
    return this.raw(words);
  }

  func(name: string, proto: number, linkage: Link = 'global'): number {
    return this.raw([this.str(name), makeInfo(KIND_FUNC, LINK[linkage]), proto]);
  }

  funcProto(ret: number, params: [string, number][], variadic = false): number {
    const all = variadic ? [...params, ['', 0] as [string, number]] : params;
    const words = [0, makeInfo(KIND_FUNC_PROTO, all.length), ret];
    for (const [n, t] of all) words.push(this.str(n), t);
    return this.raw(words);
  }

  var(name: string, type: number, linkage: Link = 'global'): number {
    return this.raw([this.str(name), makeInfo(KIND_VAR, 0), type, LINK[linkage]]);
  }

  datasec(name: string, size: number, vars: [number, number, number][]): number {
    const words = [this.str(name), makeInfo(KIND_DATASEC, vars.length), size];
    for (const v of vars) words.push(...v);
    return this.raw(words);
  }

  declTag(name: string, type: number, componentIdx: number, attribute = false): number {
    return this.raw([this.str(name), makeInfo(KIND_DECL_TAG, 0, attribute), type, componentIdx]);
  }

  /** The blob: header, type section, string section (optionally big-endian, or with a longer header). */
  build(opts: { bigEndian?: boolean; hdrLen?: number } = {}): Buffer {
    const le = !opts.bigEndian;
    const hdrLen = opts.hdrLen ?? 24;
    const typeWords = this.types.flat();
    const strBuf = Buffer.concat(this.strs.map((s) => Buffer.from(s + '\0', 'utf8')));
    const typeLen = typeWords.length * 4;
    const buf = Buffer.alloc(hdrLen + typeLen + strBuf.length);
    const u16 = le ? buf.writeUInt16LE.bind(buf) : buf.writeUInt16BE.bind(buf);
    const u32 = le ? buf.writeUInt32LE.bind(buf) : buf.writeUInt32BE.bind(buf);
    u16(BTF_MAGIC, 0);
    buf[2] = 1;
    buf[3] = 0;
    u32(hdrLen, 4);
    u32(0, 8);
    u32(typeLen, 12);
    u32(typeLen, 16);
    u32(strBuf.length, 20);
    typeWords.forEach((w, i) => u32(w, hdrLen + i * 4));
    strBuf.copy(buf, hdrLen + typeLen);
    return buf;
  }
}
