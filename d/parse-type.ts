// Type-name grammar: base specifiers (`unsigned long long`, `struct file`, typedefs), `*`s and `[N]` dimensions.
import type { Pos, TypeName } from './ast.js';
import { ARITH_KEYWORDS, QUALIFIERS, RESERVED, TAG_KEYWORDS, isTypeKeyword } from './keywords.js';
import type { Parser } from './parser-state.js';

/** True when the token `n` places ahead begins a type name. */
export function isTypeStart(p: Parser, n = 0): boolean {
  const t = p.peek(n);
  return t.type === 'name' && (isTypeKeyword(t.text) || p.isTypeName(t.text));
}

/** Whether the arithmetic keyword `w` may join the keywords already in `words` (C's combinations). */
function arithAllows(words: string[], w: string): boolean {
  const has = (x: string): boolean => words.includes(x);
  const longs = words.filter((x) => x === 'long').length;
  const core = ['int', 'char', 'void', 'float', 'double'].filter(has).length;
  switch (w) {
    case 'signed':
    case 'unsigned':
      return !has('signed') && !has('unsigned') && !has('void') && !has('float') && !has('double');
    case 'short':
      return !has('short') && longs === 0 && !['char', 'void', 'float', 'double'].some(has);
    case 'long':
      return longs < (has('double') ? 1 : 2) && !['short', 'char', 'void', 'float'].some(has);
    case 'int':
      return core === 0;
    case 'char':
      return core === 0 && !has('short') && longs === 0;
    case 'void':
    case 'float':
      return words.length === 0;
    case 'double':
      return core === 0 && !has('signed') && !has('unsigned') && !has('short') && longs <= 1;
    default:
      return false;
  }
}

/** Skips `const`/`volatile`/`restrict` (accepted and dropped). */
function skipQualifiers(p: Parser): void {
  for (let t = p.peek(); t.type === 'name' && QUALIFIERS.has(t.text); t = p.peek()) p.next();
}

/** The specifier part of a type: `unsigned long`, `struct task_struct`, `string`, `uint64_t`. */
export function parseBaseType(p: Parser): { base: string; pos: Pos } {
  const pos = p.peek().pos;
  const words: string[] = [];
  let complete = false; // a tag, `string` or a typedef name: nothing may follow
  for (;;) {
    skipQualifiers(p);
    const t = p.peek();
    if (t.type !== 'name' || complete) break;
    const w = t.text;
    if (TAG_KEYWORDS.has(w)) {
      if (words.length) p.unexpected(t);
      p.next();
      const tag = p.next();
      if (tag.type !== 'name' || RESERVED.has(tag.text)) p.unexpected(tag);
      words.push(w, tag.text);
      complete = true;
    } else if (ARITH_KEYWORDS.has(w)) {
      if (!arithAllows(words, w)) p.unexpected(t);
      p.next();
      words.push(w);
    } else if (words.length === 0 && (w === 'string' || p.isTypeName(w))) {
      p.next();
      words.push(w);
      complete = true;
    } else {
      break;
    }
  }
  if (words.length === 0) p.unexpected();
  return { base: words.join(' '), pos };
}

/** `*`s (each may carry qualifiers) after a base type. */
export function parsePointers(p: Parser): number {
  let n = 0;
  while (p.eat('*')) {
    n++;
    skipQualifiers(p);
  }
  return n;
}

/** One `[N]` array dimension; the `[` is already consumed. */
export function parseDimension(p: Parser): number {
  const t = p.next();
  if (t.type !== 'int') p.unexpected(t);
  p.expect(']');
  return Number(t.value);
}

/** A full type name as in casts, `sizeof` and `offsetof`: base, `*`s, then `[N]` dimensions. */
export function parseTypeName(p: Parser): TypeName {
  const { base, pos } = parseBaseType(p);
  const pointers = parsePointers(p);
  const dims: number[] = [];
  while (p.eat('[')) dims.push(parseDimension(p));
  return { kind: 'type', base, pointers, dims, pos };
}
