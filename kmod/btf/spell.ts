// C spelling of BTF types: declarators built inside out (`char (*)[16]`, `int (*)(void)`, `const char *`).
import {
  KIND_ARRAY, KIND_CONST, KIND_DATASEC, KIND_DECL_TAG, KIND_ENUM, KIND_ENUM64, KIND_FLOAT, KIND_FUNC,
  KIND_FUNC_PROTO, KIND_FWD, KIND_INT, KIND_PTR, KIND_RESTRICT, KIND_STRUCT, KIND_TYPEDEF, KIND_TYPE_TAG,
  KIND_UNION, KIND_UNKN, KIND_VAR, KIND_VOLATILE,
} from './format.js';
import { BtfError } from './errors.js';
import type { BtfArray, BtfFwd, BtfFuncProto, BtfType } from './types.js';

/** What spelling needs from a BTF reader. */
export interface SpellSource {
  kindOf(id: number): number;
  name(id: number): string;
  refId(id: number): number;
  type(id: number): BtfType;
}

/** GCC/DWARF integer names → the usual C spelling. */
const INT_SPELLING: Readonly<Record<string, string>> = {
  'long int': 'long',
  'long unsigned int': 'unsigned long',
  'unsigned long int': 'unsigned long',
  'short int': 'short',
  'short unsigned int': 'unsigned short',
  'unsigned short int': 'unsigned short',
  'long long int': 'long long',
  'long long unsigned int': 'unsigned long long',
  'unsigned long long int': 'unsigned long long',
  'signed int': 'int',
  'signed long': 'long',
  '__int128 unsigned': 'unsigned __int128',
};

/** The C spelling of an integer type's BTF name (`long unsigned int` → `unsigned long`). */
export function cIntName(btfName: string): string {
  return INT_SPELLING[btfName] ?? btfName;
}

/** Every BTF spelling of an integer type named `name` in either spelling (`unsigned long` → `long unsigned int`, ...). */
export function btfIntNames(name: string): string[] {
  const out = [name];
  for (const [btf, c] of Object.entries(INT_SPELLING)) if (c === name && btf !== name) out.push(btf);
  return out;
}

const MAX_DEPTH = 64;

function join(base: string, inner: string): string {
  return inner ? `${base} ${inner}` : base;
}

function tagName(kw: string, name: string): string {
  return `${kw} ${name || '{...}'}`;
}

function skipTypeTags(src: SpellSource, id: number): number {
  for (let i = 0; i < MAX_DEPTH && src.kindOf(id) === KIND_TYPE_TAG; i++) id = src.refId(id);
  return id;
}

/** The C spelling of type `id` around the declarator `inner` ('' for an abstract type name). */
export function spell(src: SpellSource, id: number, inner = '', depth = 0): string {
  if (depth > MAX_DEPTH) throw new BtfError(`type ${id}: reference chain too deep`);
  const kind = src.kindOf(id);
  switch (kind) {
    case KIND_UNKN:
      return join('void', inner);
    case KIND_INT:
      return join(cIntName(src.name(id)), inner);
    case KIND_FLOAT:
    case KIND_TYPEDEF:
      return join(src.name(id), inner);
    case KIND_STRUCT:
      return join(tagName('struct', src.name(id)), inner);
    case KIND_UNION:
      return join(tagName('union', src.name(id)), inner);
    case KIND_ENUM:
    case KIND_ENUM64:
      return join(tagName('enum', src.name(id)), inner);
    case KIND_FWD:
      return join(tagName((src.type(id) as BtfFwd).union ? 'union' : 'struct', src.name(id)), inner);
    case KIND_PTR: {
      const target = src.refId(id);
      const tk = src.kindOf(skipTypeTags(src, target));
      const decl = tk === KIND_ARRAY || tk === KIND_FUNC_PROTO ? `(*${inner})` : `*${inner}`;
      return spell(src, target, decl, depth + 1);
    }
    case KIND_CONST:
    case KIND_VOLATILE:
    case KIND_RESTRICT: {
      const q = kind === KIND_CONST ? 'const' : kind === KIND_VOLATILE ? 'volatile' : 'restrict';
      const target = src.refId(id);
      // A qualified pointer is qualified in the declarator (`char *const`); anything else gets a prefix.
      if (src.kindOf(skipTypeTags(src, target)) === KIND_PTR) return spell(src, target, join(q, inner), depth + 1);
      return `${q} ${spell(src, target, inner, depth + 1)}`;
    }
    case KIND_ARRAY: {
      const a = src.type(id) as BtfArray;
      return spell(src, a.typeId, `${inner}[${a.nelems}]`, depth + 1);
    }
    case KIND_FUNC_PROTO: {
      const p = src.type(id) as BtfFuncProto;
      const params = p.params.map((x) => spell(src, x.typeId, '', depth + 1));
      if (p.variadic) params.push('...');
      const list = params.length ? params.join(', ') : 'void';
      return spell(src, p.returnTypeId, `${inner}(${list})`, depth + 1);
    }
    case KIND_FUNC:
      return spell(src, src.refId(id), inner || src.name(id), depth + 1);
    case KIND_VAR:
      return spell(src, src.refId(id), inner || src.name(id), depth + 1);
    case KIND_DATASEC:
      return join(src.name(id), inner);
    case KIND_TYPE_TAG:
    case KIND_DECL_TAG:
      return spell(src, src.refId(id), inner, depth + 1);
    default:
      throw new BtfError(`type ${id}: unknown kind ${kind}`);
  }
}
