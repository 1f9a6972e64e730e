// The D parser's entry point and program-level grammar: clauses (probes, predicate, body), declarations, pragmas.
import type { Clause, Program, TopItem } from './ast.js';
import { RESERVED } from './keywords.js';
import { parseDeclaration, parseInline } from './parse-decl.js';
import { parseExpression } from './parse-expr.js';
import { parseBlockBody } from './parse-stmt.js';
import { Parser, type ParseOptions } from './parser-state.js';
import { DError } from './errors.js';

export type { ParseOptions } from './parser-state.js';

/** Parses a whole D program; throws DError (with a position) on the first error. */
export function parseProgram(source: string, opts: ParseOptions = {}): Program {
  try {
    return parse(source, opts);
  } catch (e) {
    if (e instanceof RangeError) throw new DError('program is nested too deeply');
    throw e;
  }
}

function parse(source: string, opts: ParseOptions): Program {
  const p = new Parser(source, opts);
  const lexer = p.lexer;
  const items: TopItem[] = [];
  for (;;) {
    lexer.skipSpace();
    if (lexer.atEnd()) break;
    if (startsDeclaration(p)) {
      if (p.isWord('inline')) items.push(parseInline(p));
      else items.push(...parseDeclaration(p));
    } else {
      items.push(parseClause(p));
    }
  }
  if (lexer.pragmas.length) {
    items.push(...lexer.pragmas);
    items.sort((a, b) => a.pos.offset - b.pos.offset); // stable: pragmas fall in source order
  }
  return { kind: 'program', items };
}

/**
 * At program level, a word decides between a declaration and a probe description, as DTrace's lexer
 * does: a run holding `:-.?!` or a backquote, or BEGIN/END/ERROR, is a probe description; otherwise
 * its part before any `*` is a declaration when it is a keyword or a type name (`int*x;`).
 */
function startsDeclaration(p: Parser): boolean {
  const run = p.lexer.peekProbeRun();
  if (/[-:.?!`]/.test(run) || run === 'BEGIN' || run === 'END' || run === 'ERROR') return false;
  const star = run.indexOf('*');
  const word = star > 0 ? run.slice(0, star) : run;
  return RESERVED.has(word) || p.isTypeName(word);
}

/** `probe[, probe...] [/predicate/] [{ statements }]`; the body may be left out only at the end of input. */
function parseClause(p: Parser): Clause {
  const lexer = p.lexer;
  const probes = [lexer.readProbeDesc()];
  lexer.skipSpace();
  while (lexer.peekChar() === 44 /* , */) {
    lexer.advance();
    probes.push(lexer.readProbeDesc());
    lexer.skipSpace();
  }
  const clause: Clause = { kind: 'clause', probes, body: [], pos: probes[0].pos };
  const c = lexer.peekChar();
  if (c === 47 /* / */) {
    lexer.advance();
    clause.predicate = parseExpression(p);
    const end = p.next();
    if (end.type !== 'endpred') p.unexpected(end);
    if (p.peek().type === 'eof') return clause;
  } else if (c !== 123 /* { */) {
    if (lexer.atEnd()) return clause;
    throw lexer.unexpectedHere();
  }
  p.expect('{');
  clause.body = parseBlockBody(p);
  return clause;
}
