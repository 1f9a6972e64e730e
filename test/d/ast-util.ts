// Test helpers for the D front end: parse to S-expressions, strip positions, and capture formatted errors.
import { DError } from '../../d/errors.js';
import { formatDError } from '../../d/format-error.js';
import { parseProgram, type ParseOptions } from '../../d/parser.js';
import { sexpr } from '../../d/sexpr.js';

/** The program's S-expression (one item per line). */
export function sx(source: string, opts?: ParseOptions): string {
  return sexpr(parseProgram(source, opts));
}

/** The S-expression of the only statement of `BEGIN { <body> }`. */
export function stmt(body: string, opts?: ParseOptions): string {
  const prog = parseProgram(`BEGIN { ${body} }`, opts);
  const clause = prog.items[0];
  if (clause.kind !== 'clause' || clause.body.length !== 1) throw new Error(`not one statement: ${body}`);
  return sexpr(clause.body[0]);
}

/** A deep copy of an AST without its `pos` fields, for comparing with compact expected objects. */
export function stripPos(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripPos);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'pos') out[k] = stripPos(x);
    return out;
  }
  return v;
}

/** The DTrace-style text of the error parsing `source` throws (`line N: message`), or 'no error'. */
export function errorOf(source: string, opts?: ParseOptions): string {
  try {
    parseProgram(source, opts);
  } catch (e) {
    if (e instanceof DError) return formatDError(e, source);
    throw e;
  }
  return 'no error';
}

/** The DError parsing `source` throws. */
export function dErrorOf(source: string): DError {
  try {
    parseProgram(source);
  } catch (e) {
    if (e instanceof DError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(source)}`);
}
