// Statement grammar inside clause bodies: expressions, if/else, blocks, empty statements and declarations.
import type { IfStmt, Stmt } from './ast.js';
import { isDeclStart, parseDeclaration } from './parse-decl.js';
import { parseExpression, parseParenthesized } from './parse-expr.js';
import type { Parser } from './parser-state.js';

/** The statements of a block whose `{` is consumed, through the closing `}` (consumed, nothing read past it). */
export function parseBlockBody(p: Parser): Stmt[] {
  const body: Stmt[] = [];
  while (!p.isPunct('}')) {
    if (isDeclStart(p)) body.push(...parseDeclaration(p));
    else body.push(parseStatement(p));
  }
  p.next();
  return body;
}

/** One statement; an expression statement may omit its `;` when a `}` follows, as D allows. */
export function parseStatement(p: Parser): Stmt {
  const t = p.peek();
  if (t.type === 'punct' && t.text === ';') {
    p.next();
    return { kind: 'empty', pos: t.pos };
  }
  if (t.type === 'punct' && t.text === '{') {
    p.next();
    return { kind: 'block', body: parseBlockBody(p), pos: t.pos };
  }
  if (t.type === 'name' && t.text === 'if') {
    p.next();
    const cond = parseParenthesized(p);
    const stmt: IfStmt = { kind: 'if', cond, then: parseStatement(p), pos: t.pos };
    if (p.isWord('else')) {
      p.next();
      stmt.else = parseStatement(p);
    }
    return stmt;
  }
  const expr = parseExpression(p);
  if (!p.eat(';') && !p.isPunct('}')) p.unexpected();
  return { kind: 'exprstmt', expr, pos: t.pos };
}
