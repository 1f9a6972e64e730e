// `.query` and `.watch` in the shell: a fresh model of the live session, `$prev` kept per shell (the
// model the previous evaluation saw), the result rendered, failures as one line.
import type { ShellContext } from '../commands/command.js';
import { compileQuery, QueryError, type CompiledQuery } from './evaluate.js';
import { liveModel } from './live-model.js';
import { renderResult } from './render.js';
import type { SessionModel } from './model.js';

const previous = new WeakMap<ShellContext, SessionModel>();

export type Outcome = { ok: true; text: string } | { ok: false; error: string };

/** Compiles a query; a syntax error is returned as its one-line message. */
export function compileForShell(expr: string): CompiledQuery | string {
  try {
    return compileQuery(expr);
  } catch (e) {
    if (e instanceof QueryError) return e.line();
    throw e;
  }
}

function names(m: SessionModel): string {
  const all = Object.keys(m.aggregations).map((n) => '@' + n);
  return all.length ? `this session has ${all.join(', ')}` : 'no aggregations yet';
}

/** Evaluates over a fresh snapshot; `$prev` is the snapshot of the previous successful evaluation. */
export async function evaluateForShell(ctx: ShellContext, q: CompiledQuery): Promise<Outcome> {
  const model = liveModel(ctx.live);
  try {
    const v = await q.evaluate(model, previous.get(ctx));
    previous.set(ctx, model);
    const missing = q.missing(model);
    if (v === undefined && missing.length) return { ok: false, error: `no aggregation ${missing.map((n) => '@' + n).join(', ')} (${names(model)})` };
    return { ok: true, text: renderResult(v) };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: e.line() };
    throw e;
  }
}

/** What `.query` with no expression prints: the aggregations and their sizes. */
export function summary(ctx: ShellContext): string {
  const m = liveModel(ctx.live);
  const aggs = Object.values(m.aggregations);
  if (!aggs.length) return 'no aggregations yet (.query EXPR evaluates a jsonata expression; @name is an aggregation\'s entries)\n';
  return renderResult(aggs.map((a) => ({ aggregation: '@' + a.name, fn: a.fn, entries: a.entries.length })));
}
