// BTF binary format constants: header, kinds, info bit layout and per-kind trailing record sizes (uapi linux/btf.h).

export const BTF_MAGIC = 0xeb9f;
export const BTF_VERSION = 1;
/** Size of the fixed part of `struct btf_header`; `hdr_len` may be larger. */
export const BTF_HEADER_SIZE = 24;
/** Byte offsets of the header fields (each u32 except magic u16, version u8, flags u8). */
export const HDR = {
  magic: 0,
  version: 2,
  flags: 3,
  hdrLen: 4,
  typeOff: 8,
  typeLen: 12,
  strOff: 16,
  strLen: 20,
} as const;

/** Size of `struct btf_type` (name_off, info, size|type), in bytes. */
export const BTF_TYPE_SIZE = 12;

export const KIND_UNKN = 0;
export const KIND_INT = 1;
export const KIND_PTR = 2;
export const KIND_ARRAY = 3;
export const KIND_STRUCT = 4;
export const KIND_UNION = 5;
export const KIND_ENUM = 6;
export const KIND_FWD = 7;
export const KIND_TYPEDEF = 8;
export const KIND_VOLATILE = 9;
export const KIND_CONST = 10;
export const KIND_RESTRICT = 11;
export const KIND_FUNC = 12;
export const KIND_FUNC_PROTO = 13;
export const KIND_VAR = 14;
export const KIND_DATASEC = 15;
export const KIND_FLOAT = 16;
export const KIND_DECL_TAG = 17;
export const KIND_TYPE_TAG = 18;
export const KIND_ENUM64 = 19;
export const KIND_MAX = KIND_ENUM64;

/** Lower-case kind names, indexed by kind number; these are the `kind` tags of decoded types. */
export const KIND_NAMES = [
  'void', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile',
  'const', 'restrict', 'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64',
] as const;
export type BtfKindName = (typeof KIND_NAMES)[number];

/** Kind number for a kind name, or undefined. */
export function kindNumber(name: string): number | undefined {
  const i = (KIND_NAMES as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

// info word: bits 0-15 vlen, bits 24-28 kind, bit 31 kind_flag.
export const INFO_VLEN_MASK = 0xffff;
export const INFO_KIND_SHIFT = 24;
export const INFO_KIND_MASK = 0x1f;
export const INFO_KFLAG_SHIFT = 31;

export function infoKind(info: number): number {
  return (info >>> INFO_KIND_SHIFT) & INFO_KIND_MASK;
}
export function infoVlen(info: number): number {
  return info & INFO_VLEN_MASK;
}
export function infoKflag(info: number): boolean {
  return info >>> INFO_KFLAG_SHIFT === 1;
}
export function makeInfo(kind: number, vlen: number, kflag = false): number {
  return ((kflag ? 1 << INFO_KFLAG_SHIFT : 0) | (kind << INFO_KIND_SHIFT) | (vlen & INFO_VLEN_MASK)) >>> 0;
}

// INT trailing u32: bits 24-27 encoding, bits 16-23 bit offset, bits 0-7 nr_bits.
export const INT_SIGNED = 1 << 0;
export const INT_CHAR = 1 << 1;
export const INT_BOOL = 1 << 2;
export function intEncoding(word: number): number {
  return (word >>> 24) & 0x0f;
}
export function intOffset(word: number): number {
  return (word >>> 16) & 0xff;
}
export function intBits(word: number): number {
  return word & 0xff;
}

// STRUCT/UNION member offset when the type's kind_flag is set: bits 24-31 bitfield size, bits 0-23 bit offset.
export function memberBitfieldSize(offset: number, kflag: boolean): number {
  return kflag ? offset >>> 24 : 0;
}
export function memberBitOffset(offset: number, kflag: boolean): number {
  return kflag ? offset & 0xffffff : offset;
}

/** FUNC linkage (stored in vlen) and VAR linkage (trailing u32). */
export const LINKAGE_NAMES = ['static', 'global', 'extern'] as const;
export type BtfLinkage = (typeof LINKAGE_NAMES)[number];

/**
 * Bytes that follow `struct btf_type` for each kind: a fixed part plus a part per vlen entry.
 * INT: u32 encoding; ARRAY: btf_array {type, index_type, nelems}; STRUCT/UNION: btf_member {name_off, type, offset};
 * ENUM: btf_enum {name_off, s32 val}; FUNC_PROTO: btf_param {name_off, type}; VAR: btf_var {linkage};
 * DATASEC: btf_var_secinfo {type, offset, size}; DECL_TAG: btf_decl_tag {s32 component_idx};
 * ENUM64: btf_enum64 {name_off, val_lo32, val_hi32}.
 */
export const TRAILING_FIXED: readonly number[] = [
  0, 4, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 4, 0, 0,
];
export const TRAILING_PER_VLEN: readonly number[] = [
  0, 0, 0, 0, 12, 12, 8, 0, 0, 0, 0, 0, 0, 8, 0, 12, 0, 0, 0, 12,
];

/** Total record size in bytes of a type of `kind` with `vlen` entries. */
export function typeRecordSize(kind: number, vlen: number): number {
  return BTF_TYPE_SIZE + TRAILING_FIXED[kind] + vlen * TRAILING_PER_VLEN[kind];
}
