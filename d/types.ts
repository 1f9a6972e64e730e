// D's type system: integers, strings, pointers, BTF-described kernel types, and the special action types.

export interface IntType {
  kind: 'int';
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  /** How D spells it (`int`, `uint64_t`, `pid_t`). */
  name: string;
}

/** A D string: a NUL-terminated buffer of at most `maxLen` bytes including the NUL. */
export interface StringType {
  kind: 'string';
  maxLen: number;
}

/** A pointer; `to` is the pointed-to type; `user` marks user-space addresses. */
export interface PtrType {
  kind: 'ptr';
  to: DType;
  name: string;
}

/** A kernel type known through BTF: a struct, union, non-char array, or something D cannot use directly. */
export interface BtfType {
  kind: 'btf';
  id: number;
  name: string;
  size: number;
  shape: 'struct' | 'union' | 'array' | 'other';
  /** Arrays: the element type and count. */
  elem?: DType;
  count?: number;
}

export interface VoidType {
  kind: 'void';
}

/** The results of stack(), ustack(), func() / sym(), and similar actions: only for records and keys. */
export interface SpecialType {
  kind: 'stack' | 'ustack' | 'sym' | 'usym';
  frames?: number;
  /** How a sym/usym prints: with offset (sym), function only (func), module only (mod). */
  fn?: 'sym' | 'func' | 'mod';
}

export type DType = IntType | StringType | PtrType | BtfType | VoidType | SpecialType;

export const int8: IntType = { kind: 'int', size: 1, signed: true, name: 'int8_t' };
export const uint8: IntType = { kind: 'int', size: 1, signed: false, name: 'uint8_t' };
export const int16: IntType = { kind: 'int', size: 2, signed: true, name: 'int16_t' };
export const uint16: IntType = { kind: 'int', size: 2, signed: false, name: 'uint16_t' };
export const int32: IntType = { kind: 'int', size: 4, signed: true, name: 'int' };
export const uint32: IntType = { kind: 'int', size: 4, signed: false, name: 'uint32_t' };
export const int64: IntType = { kind: 'int', size: 8, signed: true, name: 'int64_t' };
export const uint64: IntType = { kind: 'int', size: 8, signed: false, name: 'uint64_t' };
export const char: IntType = { kind: 'int', size: 1, signed: true, name: 'char' };
export const voidType: VoidType = { kind: 'void' };

export const stringOf = (maxLen: number): StringType => ({ kind: 'string', maxLen });

export const isInt = (t: DType): t is IntType => t.kind === 'int';
export const isString = (t: DType): t is StringType => t.kind === 'string';
export const isPtr = (t: DType): t is PtrType => t.kind === 'ptr';
/** Integers and pointers: what arithmetic and comparison accept. */
export const isScalar = (t: DType): boolean => t.kind === 'int' || t.kind === 'ptr';
export const isComposite = (t: DType): t is BtfType => t.kind === 'btf' && (t.shape === 'struct' || t.shape === 'union');

/** Bytes a value of this type occupies in a record or key. */
export function sizeOf(t: DType): number {
  switch (t.kind) {
    case 'int': return t.size;
    case 'ptr': return 8;
    case 'string': return t.maxLen;
    case 'btf': return t.size;
    case 'void': return 0;
    case 'stack': return 8 * ((t.frames ?? 20) + 1); // [bytes][pcs...]
    case 'ustack': return 8 * ((t.frames ?? 20) + 2); // [bytes][pid][pcs...]
    case 'sym': return 8; // [addr]
    case 'usym': return 16; // [addr][pid]
  }
}

/** How D prints a type in messages. */
export function typeName(t: DType): string {
  switch (t.kind) {
    case 'int': return t.name;
    case 'string': return 'string';
    case 'ptr': return t.name;
    case 'btf': return t.name;
    case 'void': return 'void';
    default: return t.kind;
  }
}

/** The usual arithmetic conversions, simplified to D's 64-bit evaluation: the result of a binary op. */
export function promote(a: DType, b: DType): IntType {
  const x = a.kind === 'int' ? a : uint64;
  const y = b.kind === 'int' ? b : uint64;
  if (x.size < 4 && y.size < 4) return int32;
  const size = Math.max(x.size, y.size, 4) as 4 | 8;
  const unsigned = (x.size === size && !x.signed) || (y.size === size && !y.signed);
  if (size === 4) return unsigned ? uint32 : int32;
  return unsigned ? uint64 : int64;
}

/** D's builtin integer type names. */
export const builtinIntTypes: Record<string, IntType> = {
  char, 'signed char': int8, 'unsigned char': uint8,
  short: int16, 'signed short': int16, 'unsigned short': uint16, 'short int': int16, 'unsigned short int': uint16,
  int: int32, signed: int32, 'signed int': int32, unsigned: uint32, 'unsigned int': uint32,
  long: int64, 'signed long': int64, 'unsigned long': uint64, 'long int': int64, 'unsigned long int': uint64,
  'long long': int64, 'signed long long': int64, 'unsigned long long': uint64, 'long long int': int64,
  'unsigned long long int': uint64,
  int8_t: int8, int16_t: int16, int32_t: { ...int32, name: 'int32_t' }, int64_t: int64,
  uint8_t: uint8, uint16_t: uint16, uint32_t: uint32, uint64_t: uint64,
  u8: uint8, u16: uint16, u32: uint32, u64: uint64, s8: int8, s16: int16, s32: int32, s64: int64,
  __u8: uint8, __u16: uint16, __u32: uint32, __u64: uint64, __s8: int8, __s16: int16, __s32: int32, __s64: int64,
  size_t: { ...uint64, name: 'size_t' }, ssize_t: { ...int64, name: 'ssize_t' },
  uintptr_t: { ...uint64, name: 'uintptr_t' }, intptr_t: { ...int64, name: 'intptr_t' },
  pid_t: { ...int32, name: 'pid_t' }, tid_t: { ...int32, name: 'tid_t' }, id_t: { ...int32, name: 'id_t' },
  uid_t: { ...uint32, name: 'uid_t' }, gid_t: { ...uint32, name: 'gid_t' },
  off_t: { ...int64, name: 'off_t' }, time_t: { ...int64, name: 'time_t' }, dev_t: { ...uint32, name: 'dev_t' },
  ino_t: { ...uint64, name: 'ino_t' }, mode_t: { ...uint32, name: 'mode_t' },
  processorid_t: { ...int32, name: 'processorid_t' }, boolean_t: { ...int32, name: 'boolean_t' },
  bool: { ...uint8, name: 'bool' }, _Bool: { ...uint8, name: '_Bool' },
};
