// Declaration grammar: `[self|this] type name[dims|keys], ...;` and `inline type name = expr;`.
import type { Decl, InlineDecl, TypeName } from './ast.js';
import { RESERVED, isTypeKeyword } from './keywords.js';
import { parseAssign } from './parse-expr.js';
import { isTypeStart, parseBaseType, parseDimension, parsePointers, parseTypeName } from './parse-type.js';
import type { Parser } from './parser-state.js';

/** True when a statement begins with a declaration rather than an expression. */
export function isDeclStart(p: Parser): boolean {
  const t = p.peek();
  if (t.type !== 'name') return false;
  if (t.text === 'self' || t.text === 'this') return !p.isPunct('->', 1);
  if (isTypeKeyword(t.text)) return true;
  if (!p.isTypeName(t.text)) return false;
  const n = p.peek(1); // a typedef name is a type only when a declarator follows: `uint64_t x;`, `foo_t *p;`
  return n.type === 'name' || (n.type === 'punct' && n.text === '*');
}

/** A declarator name: a word that is not a keyword. */
function parseDeclName(p: Parser): string {
  const t = p.next();
  if (t.type !== 'name' || RESERVED.has(t.text)) p.unexpected(t);
  return t.text;
}

/** One or more declarations sharing a base type, through the closing `;`. */
export function parseDeclaration(p: Parser): Decl[] {
  const start = p.peek();
  let scope: Decl['scope'] = 'global';
  if (p.isWord('self') || p.isWord('this')) scope = p.next().text as Decl['scope'];
  const { base, pos } = parseBaseType(p);
  const decls: Decl[] = [];
  do {
    const pointers = parsePointers(p);
    const name = parseDeclName(p);
    const dims: number[] = [];
    let keys: TypeName[] | undefined;
    while (p.isPunct('[')) {
      const open = p.next();
      if (keys) p.unexpected(open);
      if (isTypeStart(p)) {
        if (dims.length) p.unexpected();
        keys = [parseTypeName(p)];
        while (p.eat(',')) keys.push(parseTypeName(p));
        p.expect(']');
      } else {
        dims.push(parseDimension(p));
      }
    }
    const decl: Decl = { kind: 'decl', scope, type: { kind: 'type', base, pointers, dims, pos }, name, pos: start.pos };
    if (keys) decl.keys = keys;
    decls.push(decl);
  } while (p.eat(','));
  p.expect(';');
  return decls;
}

/** `inline type name = expression;` (the current token is `inline`). */
export function parseInline(p: Parser): InlineDecl {
  const kw = p.next();
  const { base, pos } = parseBaseType(p);
  const pointers = parsePointers(p);
  const name = parseDeclName(p);
  const dims: number[] = [];
  while (p.eat('[')) dims.push(parseDimension(p));
  p.expect('=');
  const value = parseAssign(p);
  p.expect(';');
  return { kind: 'inline', type: { kind: 'type', base, pointers, dims, pos }, name, value, pos: kw.pos };
}
