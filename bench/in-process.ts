// Measurements inside one process through the engine: compile time, and snapshot + print of a big aggregation.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseProgram } from '../d/parser.js';
import { ProbeTable } from '../kmod/probes/table.js';
import { compile } from '../kmod/codegen/compile.js';
import { TraceRun } from '../shell/engine/trace-run.js';
import { compileOptionsOf, defaultOptions } from '../shell/engine/options.js';
import { formatAggregations } from '../shell/format/aggregation.js';
import { median } from './tools.js';

const compileOpts = (o = defaultOptions()) => compileOptionsOf(o, { pid: process.pid });

/** Milliseconds to parse, check and generate a 50-clause script (median of 9, after a warm-up). */
export function compile50(): number {
  const table = new ProbeTable();
  const syscalls = table.ofProvider('syscall').filter((p) => p.name === 'entry').slice(0, 50);
  const src = syscalls.map((p, i) =>
    `syscall::${p.func}:entry /pid != ${i} && execname != "x${i}"/ { self->t${i} = timestamp; @c${i}[execname, pid] = count(); printf("%d %s %d\\n", pid, execname, arg0 + ${i}); }`,
  ).join('\n');
  const run = () => {
    const t = process.hrtime.bigint();
    compile(parseProgram(src), table, compileOpts());
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  run();
  return median(Array.from({ length: 9 }, run));
}

/** Snapshot and print of an aggregation with `keys` keys: the milliseconds of each. */
export async function bigAggregation(keys = 100000): Promise<{ keys: number; snapshotMs: number; printMs: number }> {
  const dir = join(tmpdir(), 'dtsh-bench');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'closes');
  execFileSync('gcc', ['-O2', '-o', bin, resolve('bench/closes.c')]);
  const table = new ProbeTable();
  const opts = defaultOptions();
  opts.quiet = true;
  const src = `syscall::close:entry /execname == "closes"/ { @[arg0] = count(); }`;
  const compiled = compile(parseProgram(src), table, compileOpts(opts));
  const run = new TraceRun(compiled, opts, { out: () => {}, err: () => {} });
  run.start();
  execFileSync(bin, [String(keys)]);
  const t0 = process.hrtime.bigint();
  const aggs = run.snapshotAll();
  const t1 = process.hrtime.bigint();
  const text = formatAggregations(aggs, {});
  const t2 = process.hrtime.bigint();
  run.stop();
  await run.done;
  return { keys: aggs[0]?.entries.length ?? 0, snapshotMs: Number(t1 - t0) / 1e6, printMs: Number(t2 - t1) / 1e6 + 0 * text.length };
}
