// The BTF reader: one indexing pass over a blob (vmlinux or a module's split BTF), types decoded on demand.
import { isAscii } from 'node:buffer';
import {
  BTF_HEADER_SIZE, BTF_MAGIC, BTF_VERSION, HDR, KIND_ARRAY, KIND_CONST, KIND_DATASEC, KIND_ENUM, KIND_ENUM64,
  KIND_FLOAT, KIND_FUNC, KIND_INT, KIND_NAMES, KIND_PTR, KIND_RESTRICT, KIND_STRUCT, KIND_TYPEDEF, KIND_TYPE_TAG,
  KIND_UNION, KIND_VAR, KIND_VOLATILE, INT_SIGNED, infoKflag, infoVlen, intEncoding, kindNumber,
} from './format.js';
import type { BtfKindName } from './format.js';
import { BtfError } from './errors.js';
import { decodeType, enumeratorValue, linkageName } from './decode.js';
import { btfIntNames, spell } from './spell.js';
import {
  buildNameIndex, collectNames, findStringOffsets, indexTypes, scanByNameOff, scanEnumerators, scanListByNameOff,
} from './scan.js';
import type {
  BtfComposite, BtfEnumConst, BtfFuncRef, BtfMember, BtfMemberRef, BtfSignature, BtfType,
} from './types.js';

const NATIVE_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_CHAIN = 256;
/** Lookups by name scan the sections (~1 ms each on vmlinux) until this many, then a name index is built. */
const SCANS_BEFORE_INDEX = 16;
const VOID: BtfType = { kind: 'void', id: 0, name: '' };

function isModifier(kind: number): boolean {
  return kind === KIND_CONST || kind === KIND_VOLATILE || kind === KIND_RESTRICT || kind === KIND_TYPE_TAG;
}

/**
 * A parsed BTF blob. Type ids of a split blob (a module) continue from its base (vmlinux), and so do
 * string offsets; lookups by id or name fall through to the base. Decoded types are cached.
 */
export class Btf {
  /** First type id defined in this blob: 1 for a base blob, `base.endId` for split BTF. */
  readonly startId: number;
  /** One past the last type id: valid ids are 0 (void) .. endId - 1. */
  readonly endId: number;
  /** First string offset of this blob's string section (0 for a base blob). */
  readonly strStart: number;
  /** One past the last string offset. */
  readonly strEnd: number;

  private strText: string | undefined;
  private strAscii = true;
  private readonly cache = new Map<number, BtfType>();
  /** Per kind: name → local index (or indices), once built. */
  private readonly nameIdx: (Map<string, number | number[]> | undefined)[] = [];
  private readonly scans = new Uint8Array(32);
  private enumIdx: Map<string, [number, number]> | undefined;
  private enumScans = 0;
  private ptrSize: number | undefined;

  private constructor(
    readonly base: Btf | undefined,
    readonly source: string | undefined,
    private readonly words: Uint32Array,
    private readonly offs: Uint32Array,
    private readonly kinds: Uint8Array,
    /** Local indices of the FUNC types. */
    private readonly funcs: Uint32Array,
    private readonly strBytes: Buffer,
  ) {
    this.startId = base ? base.endId : 1;
    this.endId = this.startId + offs.length;
    this.strStart = base ? base.strEnd : 0;
    this.strEnd = this.strStart + strBytes.length;
  }

  /**
   * Parses a BTF blob (either byte order); the blob's memory is used in place when it can be.
   * With `base`, the blob is split BTF on top of it. `source` names the blob in error messages.
   */
  static parse(buf: Uint8Array, base?: Btf, source?: string): Btf {
    const fail = (msg: string): never => {
      throw new BtfError(msg, source);
    };
    if (buf.length < BTF_HEADER_SIZE) fail('too short for a BTF header');
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const magic = dv.getUint16(HDR.magic, true);
    const le = magic === BTF_MAGIC ? true : magic === 0x9feb ? false : fail(`bad magic 0x${magic.toString(16)}`);
    if (buf[HDR.version] !== BTF_VERSION) fail(`unsupported version ${buf[HDR.version]}`);
    const hdrLen = dv.getUint32(HDR.hdrLen, le);
    if (hdrLen < BTF_HEADER_SIZE || hdrLen > buf.length) fail(`bad header length ${hdrLen}`);
    const typeStart = hdrLen + dv.getUint32(HDR.typeOff, le);
    const typeLen = dv.getUint32(HDR.typeLen, le);
    const strStart = hdrLen + dv.getUint32(HDR.strOff, le);
    const strLen = dv.getUint32(HDR.strLen, le);
    if (typeStart + typeLen > buf.length || typeLen % 4 !== 0) fail('type section out of bounds or misaligned');
    if (strStart + strLen > buf.length) fail('string section out of bounds');
    if (strLen > 0 && buf[strStart + strLen - 1] !== 0) fail('string section is not NUL-terminated');
    if (!base && strLen > 0 && buf[strStart] !== 0) fail('string section does not start with an empty string');

    const nWords = typeLen / 4;
    let words: Uint32Array;
    if (le === NATIVE_LE && (buf.byteOffset + typeStart) % 4 === 0) {
      words = new Uint32Array(buf.buffer, buf.byteOffset + typeStart, nWords);
    } else {
      words = new Uint32Array(nWords);
      for (let i = 0; i < nWords; i++) words[i] = dv.getUint32(typeStart + i * 4, le);
    }
    const idx = indexTypes(words);
    if (typeof idx === 'string') return fail(idx);
    const strBuf = Buffer.from(buf.buffer, buf.byteOffset + strStart, strLen);
    return new Btf(base, source, words, idx.offs, idx.kinds, idx.funcs, strBuf);
  }

  // ---- ids, kinds and strings -------------------------------------------------------------------

  /** Number of types defined in this blob (not counting the base or void). */
  get localCount(): number {
    return this.offs.length;
  }

  /** Whether `id` names a type (0 = void included). */
  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.endId;
  }

  /** The blob that defines `id` (this one or a base). */
  private owner(id: number): Btf {
    let b: Btf = this;
    while (id < b.startId && b.base) b = b.base;
    if (!(id >= b.startId && id < b.endId) || !Number.isInteger(id)) {
      throw new BtfError(`unknown type id ${id}`, this.source);
    }
    return b;
  }

  /** Word offset of `id`'s record in its owner's type section. */
  private at(id: number): { b: Btf; w: number } {
    const b = this.owner(id);
    return { b, w: b.offs[id - b.startId] };
  }

  /** Kind number of `id` (0 for void). */
  kindOf(id: number): number {
    if (id === 0) return 0;
    const b = this.owner(id);
    return b.kinds[id - b.startId];
  }

  /** Kind name of `id` ('void' for 0). */
  kindName(id: number): BtfKindName {
    return KIND_NAMES[this.kindOf(id)];
  }

  /** The type's name as stored ('' when anonymous; integers keep their BTF spelling, e.g. `long unsigned int`). */
  name(id: number): string {
    if (id === 0) return '';
    const { b, w } = this.at(id);
    return this.str(b.words[w]);
  }

  /** The raw `size`/`type` word: the referenced type for ptr/typedef/qualifiers/func/var/tags, else a size. */
  refId(id: number): number {
    if (id === 0) return 0;
    const { b, w } = this.at(id);
    return b.words[w + 2];
  }

  private info(id: number): number {
    const { b, w } = this.at(id);
    return b.words[w + 1];
  }

  /** Word `i` after `struct btf_type` (the INT encoding, the array element type, ...). */
  private trailing(id: number, i: number): number {
    const { b, w } = this.at(id);
    return b.words[w + 3 + i];
  }

  /** The string at offset `off` of the (base + split) string section. */
  str(off: number): string {
    if (off < this.strStart) {
      if (this.base) return this.base.str(off);
      throw new BtfError(`string offset ${off} out of range`, this.source);
    }
    const local = off - this.strStart;
    if (local >= this.strBytes.length) throw new BtfError(`string offset ${off} out of range`, this.source);
    const text = this.text();
    const end = text.indexOf('\0', local);
    if (!this.strAscii) return this.strBytes.toString('utf8', local, end);
    return text.slice(local, end);
  }

  /** The string section as one latin1 string (byte offsets = character offsets), decoded once. */
  private text(): string {
    if (this.strText === undefined) {
      this.strText = this.strBytes.toString('latin1');
      this.strAscii = isAscii(this.strBytes);
    }
    return this.strText;
  }

  // ---- decoding -----------------------------------------------------------------------------------

  /** The decoded type `id` (cached; treat as read-only). */
  type(id: number): BtfType {
    if (id === 0) return VOID;
    const b = this.owner(id);
    let t = b.cache.get(id);
    if (!t) {
      t = decodeType(b.words, b.offs[id - b.startId], id, (off) => this.str(off));
      if (!t) throw new BtfError(`type ${id}: unknown kind ${b.kinds[id - b.startId]}`, this.source);
      b.cache.set(id, t);
    }
    return t;
  }

  /** C spelling of a type: `struct file *`, `const char *`, `unsigned long`, `char [16]`, `loff_t *`. */
  typeName(id: number): string {
    return spell(this, id);
  }

  /** C declaration of `name` with type `id`: `char comm[16]`, `int (*fn)(void)`. */
  declaration(id: number, name: string): string {
    return spell(this, id, name);
  }

  // ---- lookups by name ----------------------------------------------------------------------------

  /** Global offsets of the strings equal to `name`, in the bases' and this blob's string sections. */
  private stringOffsets(name: string): number[] {
    const own = findStringOffsets(this.strBytes, this.strStart, name, this.base !== undefined);
    return this.base ? [...this.base.stringOffsets(name), ...own] : own;
  }

  /** Ids of this blob's types of `kind` (or `kind2`) named `name`, in BTF order. */
  private localIdsByName(kind: number, kind2: number, name: string): number[] {
    let idx = this.nameIdx[kind];
    if (!idx && ++this.scans[kind] > SCANS_BEFORE_INDEX) {
      idx = buildNameIndex(this.kinds, this.offs, this.words, kind, kind2, (off) => this.str(off));
      this.nameIdx[kind] = idx;
    }
    let locals: readonly number[];
    if (idx) {
      const v = idx.get(name);
      locals = v === undefined ? [] : typeof v === 'number' ? [v] : v;
    } else {
      const targets = this.stringOffsets(name);
      locals = kind === KIND_FUNC
        ? scanListByNameOff(this.funcs, this.offs, this.words, targets)
        : scanByNameOff(this.kinds, this.offs, this.words, kind, kind2, targets);
    }
    return locals.map((i) => i + this.startId);
  }

  private kindsFor(kind: BtfKindName): [number, number] {
    if (kind === 'enum' || kind === 'enum64') return [KIND_ENUM, KIND_ENUM64];
    const k = kindNumber(kind);
    if (k === undefined || k === 0) throw new BtfError(`unknown kind '${kind}'`);
    return [k, 0];
  }

  /** This blob's ids (not the base's) of `kind` named `name`; integers match C and BTF spellings. */
  private ownByName(kind: BtfKindName, name: string): number[] {
    const [k, k2] = this.kindsFor(kind);
    if (k !== KIND_INT) return this.localIdsByName(k, k2, name);
    return btfIntNames(name).flatMap((n) => this.localIdsByName(k, k2, n)).sort((a, b) => a - b);
  }

  /**
   * Id of the first type of `kind` named `name` (`('struct', 'file')`, `('typedef', 'loff_t')`,
   * `('int', 'unsigned long')`, `('func', 'vfs_read')`), or undefined. `'enum'` also finds 64-bit enums.
   * Split BTF looks in its own types first, then in the base.
   */
  findByName(kind: BtfKindName, name: string): number | undefined {
    return this.ownByName(kind, name)[0] ?? this.base?.findByName(kind, name);
  }

  /** Every type of `kind` named `name`, base first. */
  findAllByName(kind: BtfKindName, name: string): number[] {
    const own = this.ownByName(kind, name);
    return this.base ? [...this.base.findAllByName(kind, name), ...own] : own;
  }

  // ---- functions ----------------------------------------------------------------------------------

  /** Number of BTF_KIND_FUNC types defined in this blob (duplicates included). */
  get funcCount(): number {
    return this.funcs.length;
  }

  /** Calls `cb` for every BTF_KIND_FUNC defined in this blob (not the base), in BTF order. */
  forEachFunc(cb: (name: string, id: number) => void): void {
    const { funcs, offs, words } = this;
    for (let i = 0; i < funcs.length; i++) cb(this.str(words[offs[funcs[i]]]), this.startId + funcs[i]);
  }

  /**
   * Names of the functions defined in this blob (not the base), in BTF order, without duplicates; a fresh
   * array on each call. Duplicates are recognised by name offset: BTF producers store each string once.
   */
  funcNames(): string[] {
    const text = this.text();
    return collectNames(this.funcs, this.offs, this.words, this.strStart, text, this.strAscii, (off) => this.str(off));
  }

  /** A function by name: its FUNC id, FUNC_PROTO id and linkage (the first one when static names repeat). */
  findFunc(name: string): BtfFuncRef | undefined {
    const id = this.findByName('func', name);
    if (id === undefined) return undefined;
    return { id, name, protoId: this.refId(id), linkage: linkageName(infoVlen(this.info(id))) };
  }

  /** A function's parameters (name and type id), return type and variadic flag, by name or FUNC id. */
  funcParams(nameOrId: string | number): BtfSignature | undefined {
    const id = typeof nameOrId === 'number' ? nameOrId : this.findByName('func', nameOrId);
    if (id === undefined) return undefined;
    if (this.kindOf(id) !== KIND_FUNC) throw new BtfError(`type ${id} is not a function`, this.source);
    const protoId = this.refId(id);
    const proto = this.type(protoId);
    if (proto.kind !== 'func_proto') throw new BtfError(`function ${this.name(id)} has no prototype`, this.source);
    return { id, protoId, params: proto.params, returnTypeId: proto.returnTypeId, variadic: proto.variadic };
  }

  // ---- resolution, sizes, predicates --------------------------------------------------------------

  /** Skips typedef, const, volatile, restrict and type_tag. */
  resolve(id: number): number {
    for (let i = 0; i < MAX_CHAIN; i++) {
      const k = this.kindOf(id);
      if (k !== KIND_TYPEDEF && !isModifier(k)) return id;
      id = this.refId(id);
    }
    throw new BtfError(`type ${id}: typedef/qualifier chain too long`, this.source);
  }

  /** Skips const, volatile, restrict and type_tag, keeping typedefs. */
  unqualified(id: number): number {
    for (let i = 0; i < MAX_CHAIN; i++) {
      if (!isModifier(this.kindOf(id))) return id;
      id = this.refId(id);
    }
    throw new BtfError(`type ${id}: qualifier chain too long`, this.source);
  }

  /** Pointer size in bytes (the size of `long`, else 8). */
  get pointerSize(): number {
    if (this.ptrSize === undefined) {
      if (this.base) this.ptrSize = this.base.pointerSize;
      else {
        const long = this.findByName('int', 'long');
        this.ptrSize = long !== undefined ? this.refId(long) : 8;
      }
    }
    return this.ptrSize;
  }

  /** Size in bytes of a complete type, or undefined for void, functions and forward declarations. */
  trySizeOf(id: number): number | undefined {
    for (let i = 0; i < MAX_CHAIN; i++) {
      switch (this.kindOf(id)) {
        case KIND_INT: case KIND_ENUM: case KIND_ENUM64: case KIND_STRUCT: case KIND_UNION:
        case KIND_FLOAT: case KIND_DATASEC:
          return this.refId(id);
        case KIND_PTR:
          return this.pointerSize;
        case KIND_ARRAY: {
          const n = this.trailing(id, 2);
          if (n === 0) return 0;
          const elem = this.trySizeOf(this.trailing(id, 0));
          return elem === undefined ? undefined : n * elem;
        }
        case KIND_TYPEDEF: case KIND_VAR: case KIND_CONST: case KIND_VOLATILE: case KIND_RESTRICT: case KIND_TYPE_TAG:
          id = this.refId(id);
          continue;
        default:
          return undefined;
      }
    }
    throw new BtfError(`type ${id}: reference chain too long`, this.source);
  }

  /** Size in bytes of a complete type; throws for void, functions and forward declarations. */
  sizeOf(id: number): number {
    const size = this.trySizeOf(id);
    if (size === undefined) throw new BtfError(`${this.typeName(id)} has no size`, this.source);
    return size;
  }

  /** Integer (or enum, or char) type that is signed; floats count as signed. */
  isSigned(id: number): boolean {
    const r = this.resolve(id);
    const k = this.kindOf(r);
    if (k === KIND_INT) return (intEncoding(this.trailing(r, 0)) & INT_SIGNED) !== 0;
    if (k === KIND_ENUM || k === KIND_ENUM64) return infoKflag(this.info(r));
    return k === KIND_FLOAT;
  }

  isPointer(id: number): boolean {
    return this.kindOf(this.resolve(id)) === KIND_PTR;
  }

  isArray(id: number): boolean {
    return this.kindOf(this.resolve(id)) === KIND_ARRAY;
  }

  /** int, char, bool or enum. */
  isInteger(id: number): boolean {
    const k = this.kindOf(this.resolve(id));
    return k === KIND_INT || k === KIND_ENUM || k === KIND_ENUM64;
  }

  /** struct or union. */
  isComposite(id: number): boolean {
    const k = this.kindOf(this.resolve(id));
    return k === KIND_STRUCT || k === KIND_UNION;
  }

  /** `char`, `signed char` or `unsigned char`, through qualifiers (not through typedefs such as `u8`). */
  isChar(id: number): boolean {
    const u = this.unqualified(id);
    if (this.kindOf(u) !== KIND_INT || this.refId(u) !== 1) return false;
    const n = this.name(u);
    return n === 'char' || n === 'signed char' || n === 'unsigned char';
  }

  /** A D string candidate: pointer to char or array of char (`char *`, `const char *`, `char [16]`). */
  isString(id: number): boolean {
    const r = this.resolve(id);
    const k = this.kindOf(r);
    if (k === KIND_PTR) return this.isChar(this.refId(r));
    if (k === KIND_ARRAY) return this.isChar(this.trailing(r, 0));
    return false;
  }

  /** The pointed-to type of a pointer (through typedefs and qualifiers), else undefined. */
  pointee(id: number): number | undefined {
    const r = this.resolve(id);
    return this.kindOf(r) === KIND_PTR ? this.refId(r) : undefined;
  }

  // ---- struct/union members -----------------------------------------------------------------------

  /** Members of a struct or union (through typedefs and qualifiers). */
  members(id: number): readonly BtfMember[] {
    return this.composite(id).members;
  }

  /**
   * A member by name, also inside anonymous struct/union members (bitOffset is then from the start of
   * the outer type). Undefined when absent; throws when `id` is not a struct or union.
   */
  member(id: number, name: string): BtfMemberRef | undefined {
    return this.findMember(this.composite(id), name, 0, [], 0);
  }

  /** Follows `a.b.c` through nested structs/unions; the offset accumulates from the outer type. */
  memberPath(id: number, path: string | readonly string[]): BtfMemberRef | undefined {
    const parts = typeof path === 'string' ? path.split('.') : path;
    let cur: BtfMemberRef | undefined;
    let bits = 0;
    let typeId = id;
    for (const part of parts) {
      cur = this.member(typeId, part);
      if (!cur) return undefined;
      bits += cur.bitOffset;
      typeId = cur.typeId;
    }
    return cur && { ...cur, bitOffset: bits };
  }

  private composite(id: number): BtfComposite {
    const t = this.type(this.resolve(id));
    if (t.kind !== 'struct' && t.kind !== 'union') {
      throw new BtfError(`${this.typeName(id)} is not a struct or union`, this.source);
    }
    return t;
  }

  private findMember(t: BtfComposite, name: string, baseBits: number, via: number[], depth: number): BtfMemberRef | undefined {
    if (depth > 32) return undefined;
    for (const m of t.members) {
      if (m.name === name) return { ...m, bitOffset: baseBits + m.bitOffset, via };
    }
    for (const m of t.members) {
      if (m.name !== '') continue;
      const inner = this.type(this.resolve(m.typeId));
      if (inner.kind !== 'struct' && inner.kind !== 'union') continue;
      const found = this.findMember(inner, name, baseBits + m.bitOffset, [...via, m.typeId], depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  // ---- enums ----------------------------------------------------------------------------------------

  /** A kernel enum constant by name (e.g. `TASK_COMM_LEN`), across all enums; split BTF first, then base. */
  enumValue(name: string): BtfEnumConst | undefined {
    let hit: [number, number] | undefined;
    if (!this.enumIdx && ++this.enumScans > SCANS_BEFORE_INDEX) this.enumIdx = this.buildEnumIndex();
    if (this.enumIdx) hit = this.enumIdx.get(name);
    else hit = scanEnumerators(this.kinds, this.offs, this.words, this.stringOffsets(name));
    if (!hit) return this.base?.enumValue(name);
    const [i, j] = hit;
    const w = this.offs[i];
    const value = enumeratorValue(this.words, w, j);
    return { name, value, typeId: this.startId + i, signed: infoKflag(this.words[w + 1]) };
  }

  private buildEnumIndex(): Map<string, [number, number]> {
    const idx = new Map<string, [number, number]>();
    const { kinds, offs, words } = this;
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[i];
      if (k !== KIND_ENUM && k !== KIND_ENUM64) continue;
      const w = offs[i];
      const vlen = words[w + 1] & 0xffff;
      const step = k === KIND_ENUM ? 2 : 3;
      for (let j = 0; j < vlen; j++) {
        const name = this.str(words[w + 3 + j * step]);
        if (!idx.has(name)) idx.set(name, [i, j]);
      }
    }
    return idx;
  }

  // ---- iteration ------------------------------------------------------------------------------------

  /** Ids of this blob's types (not the base's), optionally of one kind, in BTF order. */
  typeIds(kind?: BtfKindName): number[] {
    const [k, k2] = kind === undefined ? [-1, -1] : this.kindsFor(kind);
    const out: number[] = [];
    for (let i = 0; i < this.kinds.length; i++) {
      const ki = this.kinds[i];
      if (k < 0 || ki === k || ki === k2) out.push(this.startId + i);
    }
    return out;
  }
}
