// Compiling and evaluating a query: `@name` expanded (shorthand.ts), parsed by jsonata, rewritten
// where a native fast path applies (optimize.ts), evaluated over a session model with `$prev` bound
// to the previous one. Every failure is a QueryError: one line, with the column in what was typed.
import jsonata from 'jsonata';
import { expandShorthand, originalColumn, type Expanded } from './shorthand.js';
import { optimize, type Node } from './optimize.js';
import { emptyModel, type SessionModel } from './model.js';

/** Longest a query may run (jsonata's own timeout, checked as it evaluates). */
export const QUERY_TIMEOUT_MS = 10000;

export class QueryError extends Error {
  constructor(message: string, readonly column?: number, readonly code?: string) {
    super(message);
    this.name = 'QueryError';
  }

  /** `column 12: Expected ")" before end of expression`. */
  line(): string {
    return this.column !== undefined ? `column ${this.column}: ${this.message}` : this.message;
  }
}

export interface CompileOptions {
  timeoutMs?: number;
  /** The native fast paths (default on; the tests compare with them off). */
  optimize?: boolean;
}

export interface CompiledQuery {
  source: string;
  expanded: Expanded;
  /** The aggregations the query names with `@` that `model` does not have. */
  missing(model: SessionModel): string[];
  evaluate(model: SessionModel, prev?: SessionModel): Promise<unknown>;
}

interface JsonataFailure {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
  value?: unknown;
}

function failure(e: unknown, x: Expanded, timeoutMs: number): QueryError {
  const f = (e ?? {}) as JsonataFailure;
  if (f.code === 'D1012') return new QueryError(`the query ran longer than ${timeoutMs} ms and was stopped`, undefined, f.code);
  let message = (f.message ?? String(e)).replace(/\s+/g, ' ').trim();
  if (!f.code && !(e instanceof Error)) message = String(e);
  const column = typeof f.position === 'number' ? originalColumn(x, f.position) : undefined;
  return new QueryError(message, column, f.code);
}

/** Parses `source` (throws QueryError); the result evaluates it as often as needed. */
export function compileQuery(source: string, opts: CompileOptions = {}): CompiledQuery {
  const timeoutMs = opts.timeoutMs ?? QUERY_TIMEOUT_MS;
  if (!source.trim()) throw new QueryError('empty query');
  const x = expandShorthand(source);
  let expr: jsonata.Expression;
  try {
    expr = jsonata(x.text, { timeout: timeoutMs } as jsonata.JsonataOptions);
  } catch (e) {
    throw failure(e, x, timeoutMs);
  }
  if (opts.optimize !== false) {
    // jsonata evaluates the very object ast() returns: a new root is copied into it
    const root = expr.ast() as unknown as Node;
    const r = optimize(root);
    if (r.ast !== root) {
      for (const k of Object.keys(root)) delete root[k];
      Object.assign(root, r.ast);
    }
    for (const n of r.natives) expr.registerFunction(n.name, n.fn as never, n.signature);
  }
  return {
    source,
    expanded: x,
    missing: (model) => x.names.filter((n) => !Object.hasOwn(model.aggregations, n)),
    async evaluate(model, prev) {
      try {
        return await expr.evaluate(model, { prev: prev ?? emptyModel() });
      } catch (e) {
        throw failure(e, x, timeoutMs);
      }
    },
  };
}

/** Compiles and evaluates once. */
export async function evaluateQuery(source: string, model: SessionModel, prev?: SessionModel, opts: CompileOptions = {}): Promise<unknown> {
  return compileQuery(source, opts).evaluate(model, prev);
}
