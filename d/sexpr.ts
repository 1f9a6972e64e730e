// Prints a D syntax tree as a compact S-expression, for tests and debugging (positions are left out).
import type { Expr, Program, Stmt, TopItem, TypeName } from './ast.js';

type Node = Program | TopItem | Stmt | Expr | TypeName;

function list(head: string, ...parts: string[]): string {
  return `(${[head, ...parts].join(' ')})`;
}

/** `<unsigned long>`, `<struct file *>`, `<char [16]>`. */
function typeName(t: TypeName): string {
  const stars = t.pointers ? ' ' + '*'.repeat(t.pointers) : '';
  const dims = t.dims.length ? ' ' + t.dims.map((d) => `[${d}]`).join('') : '';
  return `<${t.base}${stars}${dims}>`;
}

/**
 * `(clause (probes "syscall::read:entry") (pred (== pid 123)) (body (= @ (call count))))`.
 * Integers print in decimal with `u`/`l` marks; member access prints as `(-> obj f)` / `(. obj f)`;
 * prefix `++x` is `(++ x)` and postfix `x++` is `(post++ x)`; a Program prints one item per line.
 */
export function sexpr(n: Node): string {
  switch (n.kind) {
    case 'program':
      return n.items.map(sexpr).join('\n');
    case 'pragma':
      return n.value === undefined ? list('pragma', n.option) : list('pragma', n.option, JSON.stringify(n.value));
    case 'clause': {
      const parts = [list('probes', ...n.probes.map((d) => JSON.stringify(d.text)))];
      if (n.predicate) parts.push(list('pred', sexpr(n.predicate)));
      parts.push(list('body', ...n.body.map(sexpr)));
      return list('clause', ...parts);
    }
    case 'decl': {
      const parts = [n.scope, typeName(n.type), n.name];
      if (n.keys) parts.push(list('keys', ...n.keys.map(typeName)));
      return list('decl', ...parts);
    }
    case 'inline':
      return list('inline', typeName(n.type), n.name, sexpr(n.value));
    case 'type':
      return typeName(n);
    case 'exprstmt':
      return sexpr(n.expr);
    case 'if':
      return list('if', sexpr(n.cond), sexpr(n.then), ...(n.else ? [sexpr(n.else)] : []));
    case 'block':
      return list('block', ...n.body.map(sexpr));
    case 'empty':
      return '(empty)';
    case 'int':
      return `${n.value}${n.unsigned ? 'u' : ''}${'l'.repeat(n.longs)}`;
    case 'str':
      return JSON.stringify(n.value);
    case 'ident':
      return n.name;
    case 'macro':
      return (n.quoted ? '$$' : '$') + n.name;
    case 'agg':
      return n.keys ? list('@' + n.name, ...n.keys.map(sexpr)) : '@' + n.name;
    case 'self':
      return `self->${n.name}`;
    case 'this':
      return `this->${n.name}`;
    case 'index':
      return list('index', sexpr(n.object), ...n.index.map(sexpr));
    case 'call':
      return list('call', n.callee, ...n.args.map(sexpr));
    case 'member':
      return list(n.arrow ? '->' : '.', sexpr(n.object), n.field);
    case 'unary':
      return list(n.op, sexpr(n.operand));
    case 'postfix':
      return list('post' + n.op, sexpr(n.operand));
    case 'binary':
      return list(n.op, sexpr(n.left), sexpr(n.right));
    case 'assign':
      return list(n.op, sexpr(n.target), sexpr(n.value));
    case 'ternary':
      return list('?', sexpr(n.cond), sexpr(n.then), sexpr(n.else));
    case 'cast':
      return list('cast', typeName(n.type), sexpr(n.operand));
    case 'sizeof':
      return list('sizeof', n.type ? typeName(n.type) : sexpr(n.operand!));
    case 'offsetof':
      return list('offsetof', typeName(n.type), n.member);
  }
}
