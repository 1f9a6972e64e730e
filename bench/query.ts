// .query latency over an aggregation with 100,000 keys: the snapshot (the query model read from the
// map), compiling and evaluating the expression, and rendering the result, as `.query` does them.
// "fresh": every entry built anew (a first query); "repeated": unchanged entries kept from the last
// snapshot (a query asked again, .watch).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseProgram } from '../d/parser.js';
import { ProbeTable } from '../kmod/probes/table.js';
import { compile } from '../kmod/codegen/compile.js';
import { TraceRun } from '../shell/engine/trace-run.js';
import { compileOptionsOf, defaultOptions } from '../shell/engine/options.js';
import { forgetEntries, queryAggregations } from '../shell/query/snapshot.js';
import { sessionModel, type SessionModel } from '../shell/query/model.js';
import { compileQuery } from '../shell/query/evaluate.js';
import { renderResult } from '../shell/query/render.js';
import { median } from './tools.js';

/** The queries measured, each a README example or a common shape. */
export const BENCH_QUERIES = [
  '@counts^(>value)[[0..4]]',
  '$sort(aggregations.counts.entries, function($a,$b){$a.value<$b.value})[[0..4]]',
  '$count(@counts[value > 1])',
];

export interface QueryFigures {
  keys: number;
  /** Milliseconds of the snapshot alone (median): every entry built anew, and repeated (unchanged entries kept). */
  snapshotMs: { fresh: number; repeated: number };
  /** Per query: milliseconds of snapshot + evaluate + render (medians), fresh and repeated, and of evaluate + render alone. */
  queries: { expr: string; freshMs: number; repeatedMs: number; evalMs: number }[];
}

/** .query over `keys` distinct keys of @counts (close(2) of -1 - i); medians of `runs` after a warm-up. */
export async function queryLatency(keys = 100000, runs = 7): Promise<QueryFigures> {
  const dir = join(tmpdir(), 'dtsh-bench');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'closes');
  execFileSync('gcc', ['-O2', '-o', bin, resolve('bench/closes.c')]);
  const opts = defaultOptions();
  opts.quiet = true;
  const src = `syscall::close:entry /execname == "closes"/ { @counts[arg0] = count(); }`;
  const compiled = compile(parseProgram(src), new ProbeTable(), compileOptionsOf(opts, { pid: process.pid }));
  const run = new TraceRun(compiled, opts, { out: () => {}, err: () => {} });
  run.start();
  try {
    execFileSync(bin, [String(keys)]);
    const snap = (fresh: boolean): SessionModel => {
      if (fresh) forgetEntries(run);
      return sessionModel(queryAggregations(run), [], run.session.counters());
    };
    const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
    const snapshotMs = { fresh: 0, repeated: 0 };
    let n = 0;
    for (const mode of ['fresh', 'repeated'] as const) {
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t = process.hrtime.bigint();
        n = snap(mode === 'fresh').aggregations.counts.entries.length;
        if (i) times.push(ms(t));
      }
      snapshotMs[mode] = median(times);
    }
    const queries = [];
    for (const expr of BENCH_QUERIES) {
      const fresh: number[] = [];
      const repeated: number[] = [];
      const evals: number[] = [];
      for (let i = 0; i <= 2 * runs; i++) {
        const first = i % 2 === 1;
        const t0 = process.hrtime.bigint();
        const model = snap(first);
        const t1 = process.hrtime.bigint();
        renderResult(await compileQuery(expr).evaluate(model));
        if (i === 0) continue;
        (first ? fresh : repeated).push(ms(t0));
        evals.push(ms(t1));
      }
      queries.push({ expr, freshMs: median(fresh), repeatedMs: median(repeated), evalMs: median(evals) });
    }
    return { keys: n, snapshotMs, queries };
  } finally {
    run.stop();
    await run.done;
  }
}
