// Expression grammar: comma, assignment, ternary, the binary precedence levels, casts, unary, postfix and primary.
import type { AggVar, AssignOp, BinaryOp, Expr, Offsetof, Unary } from './ast.js';
import { RESERVED } from './keywords.js';
import type { Token } from './lexer.js';
import { isTypeStart, parseTypeName } from './parse-type.js';
import type { Parser } from './parser-state.js';

/** Binary operators by precedence, loosest first (C's table with D's `^^` between `||` and `&&`). */
const BINARY_PRECEDENCE: ReadonlyMap<string, number> = new Map([
  ['||', 1], ['^^', 2], ['&&', 3], ['|', 4], ['^', 5], ['&', 6],
  ['==', 7], ['!=', 7], ['<', 8], ['<=', 8], ['>', 8], ['>=', 8],
  ['<<', 9], ['>>', 9], ['+', 10], ['-', 10], ['*', 11], ['/', 11], ['%', 11],
]);

const ASSIGN_OPS: ReadonlySet<string> = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

// Node positions: the operator token for binary, assignment, ternary (`?`), postfix, member (`.`/`->`)
// and index (`[`) nodes, so an error can point at the operator; the first token for every other node.

/** `expression`: assignments separated by commas. */
export function parseExpression(p: Parser): Expr {
  let e = parseAssign(p);
  while (p.isPunct(',')) {
    const t = p.next();
    e = { kind: 'binary', op: ',', left: e, right: parseAssign(p), pos: t.pos };
  }
  return e;
}

/** `assignment_expression`: right-associative; the target must be a unary expression, as in C. */
export function parseAssign(p: Parser): Expr {
  const left = parseConditional(p);
  const t = p.peek();
  if (t.type !== 'punct' || !ASSIGN_OPS.has(t.text)) return left;
  if (!isUnaryLevel(p, left)) p.unexpected(t);
  p.next();
  return { kind: 'assign', op: t.text as AssignOp, target: left, value: parseAssign(p), pos: t.pos };
}

function isUnaryLevel(p: Parser, e: Expr): boolean {
  const k = e.kind;
  return p.isParenthesized(e) || (k !== 'binary' && k !== 'ternary' && k !== 'assign' && k !== 'cast');
}

/** `cond ? expression : conditional`. */
function parseConditional(p: Parser): Expr {
  const cond = parseBinary(p, 1);
  if (!p.isPunct('?')) return cond;
  const q = p.next();
  const then = parseExpression(p);
  p.expect(':');
  return { kind: 'ternary', cond, then, else: parseConditional(p), pos: q.pos };
}

/** Precedence climbing over the left-associative binary operators. */
function parseBinary(p: Parser, minPrec: number): Expr {
  let left = parseCast(p);
  for (;;) {
    const t = p.peek();
    const prec = t.type === 'punct' ? BINARY_PRECEDENCE.get(t.text) : undefined;
    if (prec === undefined || prec < minPrec) return left;
    p.next();
    const right = parseBinary(p, prec + 1);
    left = { kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
  }
}

/** `(type) cast_expression`, or a unary expression. */
function parseCast(p: Parser): Expr {
  if (p.isPunct('(') && isTypeStart(p, 1)) {
    const open = p.next();
    const type = parseTypeName(p);
    p.expect(')');
    return { kind: 'cast', type, operand: parseCast(p), pos: open.pos };
  }
  return parseUnary(p);
}

function parseUnary(p: Parser): Expr {
  const t = p.peek();
  if (t.type === 'punct') {
    switch (t.text) {
      case '-': case '+': case '!': case '~': case '*': case '&':
        p.next();
        return { kind: 'unary', op: t.text as Unary['op'], operand: parseCast(p), pos: t.pos };
      case '++': case '--':
        p.next();
        return { kind: 'unary', op: t.text, operand: parseUnary(p), pos: t.pos };
    }
  } else if (t.type === 'name') {
    if (t.text === 'sizeof') {
      p.next();
      if (p.isPunct('(') && isTypeStart(p, 1)) {
        p.next();
        const type = parseTypeName(p);
        p.expect(')');
        return { kind: 'sizeof', type, pos: t.pos };
      }
      return { kind: 'sizeof', operand: parseUnary(p), pos: t.pos };
    }
    if (t.text === 'stringof') {
      p.next();
      return { kind: 'unary', op: 'stringof', operand: parseUnary(p), pos: t.pos };
    }
  }
  return parsePostfix(p, parsePrimary(p));
}

/** `[i, j]`, `.f`, `->f`, `++`, `--` after a primary expression. Calls are only allowed on names. */
function parsePostfix(p: Parser, e: Expr): Expr {
  for (;;) {
    const t = p.peek();
    if (t.type !== 'punct') return e;
    switch (t.text) {
      case '[':
        p.next();
        e = { kind: 'index', object: e, index: parseArguments(p, ']'), pos: t.pos };
        break;
      case '.':
      case '->':
        p.next();
        e = { kind: 'member', object: e, field: parseMemberName(p), arrow: t.text === '->', pos: t.pos };
        break;
      case '++':
      case '--':
        p.next();
        e = { kind: 'postfix', op: t.text, operand: e, pos: t.pos };
        break;
      case '(':
        return p.unexpected(t);
      default:
        return e;
    }
  }
}

function parsePrimary(p: Parser): Expr {
  const t = p.next();
  switch (t.type) {
    case 'int':
      return { kind: 'int', value: t.value, unsigned: t.unsigned, longs: t.longs, text: t.text, pos: t.pos };
    case 'string':
      return { kind: 'str', value: t.value, pos: t.pos };
    case 'macro':
      return { kind: 'macro', name: t.name, quoted: t.quoted, pos: t.pos };
    case 'agg': {
      const agg: AggVar = { kind: 'agg', name: t.name, pos: t.pos };
      if (p.eat('[')) agg.keys = parseArguments(p, ']');
      return agg;
    }
    case 'name':
      return parseNamePrimary(p, t);
    case 'punct':
      if (t.text === '(') {
        const e = parseExpression(p);
        p.expect(')');
        p.markParenthesized(e);
        return e;
      }
      break;
  }
  return p.unexpected(t);
}

/** `self->x`, `this->x`, `offsetof(...)`, `name(args)`, or a plain name. */
function parseNamePrimary(p: Parser, t: Token): Expr {
  const name = t.text;
  if (name === 'self' || name === 'this') {
    p.expect('->');
    return { kind: name, name: parseMemberName(p), pos: t.pos };
  }
  if (name === 'offsetof') return parseOffsetof(p, t);
  if (RESERVED.has(name)) p.unexpected(t);
  if (p.eat('(')) return { kind: 'call', callee: name, args: parseArguments(p, ')'), pos: t.pos };
  return { kind: 'ident', name, pos: t.pos };
}

/** `offsetof(type, member)`; the keyword is consumed. */
function parseOffsetof(p: Parser, kw: Token): Offsetof {
  p.expect('(');
  const type = parseTypeName(p);
  p.expect(',');
  const member = parseMemberName(p);
  p.expect(')');
  return { kind: 'offsetof', type, member, pos: kw.pos };
}

/** A member name after `.`/`->`: any word, keywords included (as D's lexer reads it). */
function parseMemberName(p: Parser): string {
  const t = p.next();
  if (t.type !== 'name') p.unexpected(t);
  return t.text;
}

/** Comma-separated assignment expressions up to `close` (consumed); only `()` may be empty. */
export function parseArguments(p: Parser, close: ')' | ']'): Expr[] {
  const args: Expr[] = [];
  if (close === ')' && p.eat(')')) return args;
  do args.push(parseAssign(p));
  while (p.eat(','));
  p.expect(close);
  return args;
}

/** `( expression )` as in `if (...)`; both parentheses are consumed. */
export function parseParenthesized(p: Parser): Expr {
  p.expect('(');
  const e = parseExpression(p);
  p.expect(')');
  return e;
}
