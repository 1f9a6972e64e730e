// D's reserved words, type keywords and the standard typedef names known to the parser.

/** Words that can never be an identifier in an expression (they may still be a member name after `.`/`->`). */
export const RESERVED: ReadonlySet<string> = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'counter', 'default', 'do', 'double', 'else',
  'enum', 'extern', 'float', 'for', 'goto', 'if', 'import', 'inline', 'int', 'long', 'offsetof',
  'probe', 'provider', 'register', 'restrict', 'return', 'self', 'short', 'signed', 'sizeof', 'static',
  'string', 'stringof', 'struct', 'switch', 'this', 'translator', 'typedef', 'union', 'unsigned',
  'void', 'volatile', 'while', 'xlate',
]);

/** Keywords that combine into an arithmetic base type (`unsigned long long`, `short int`). */
export const ARITH_KEYWORDS: ReadonlySet<string> = new Set([
  'signed', 'unsigned', 'short', 'long', 'int', 'char', 'void', 'float', 'double',
]);

/** Qualifiers accepted and dropped (they do not change what a D program can do). */
export const QUALIFIERS: ReadonlySet<string> = new Set(['const', 'volatile', 'restrict']);

/** `struct X`, `union X`, `enum X`. */
export const TAG_KEYWORDS: ReadonlySet<string> = new Set(['struct', 'union', 'enum']);

/** D's standard typedefs and the Linux kernel's short integer names, always type names. */
export const BUILTIN_TYPEDEFS: ReadonlySet<string> = new Set([
  'int8_t', 'int16_t', 'int32_t', 'int64_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t',
  'intptr_t', 'uintptr_t', 'size_t', 'ssize_t', 'ptrdiff_t',
  'pid_t', 'tid_t', 'uid_t', 'gid_t', 'id_t', 'off_t', 'time_t', 'caddr_t', 'processorid_t',
  'dev_t', 'ino_t', 'mode_t', 'boolean_t', 'bool', '_Bool',
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64',
  '__u8', '__u16', '__u32', '__u64', '__s8', '__s16', '__s32', '__s64',
]);

/** Words that begin a type name by themselves, whatever follows. */
export function isTypeKeyword(word: string): boolean {
  return ARITH_KEYWORDS.has(word) || QUALIFIERS.has(word) || TAG_KEYWORDS.has(word) || word === 'string';
}
