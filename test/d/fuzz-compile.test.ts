// Fuzzing the whole compiler: 10,000 programs mutated from a corpus of valid ones (tokens and characters
// deleted, duplicated, swapped and replaced, programs spliced, operators swapped, identifiers and literals
// replaced, expressions nested up to 1,500 deep) go through parse -> probe matching -> checking -> code
// generation -> assembly. Each must compile or be refused with a one-line DError; never any other
// exception, never a hang. A sample of the programs that compiled is then loaded into the kernel: the
// verifier must accept every one (a rejection is a code generation bug).
//
// Reproduce a failure with DTSH_FUZZ_SEED=<seed> (printed with it) and the case index it names;
// DTSH_FUZZ_CASES=<n> changes the number of cases, DTSH_FUZZ_VERBOSE=1 prints the DError messages hit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { parseProgram } from '../../d/parser.js';
import { DError } from '../../d/errors.js';
import { compile } from '../../kmod/codegen/compile.js';
import { Session } from '../../kmod/session.js';
import { kernelTest } from '../kernel-gate.js';
import { CORPUS, KNOWN_BUGS, caseRng, compileCase, makeCase, makeCompiler, tokens, type Failure } from './fuzz-d.js';
import type { WorkerInput, WorkerOutput } from './fuzz-compile-worker.js';

const SEED = Number(process.env.DTSH_FUZZ_SEED ?? 0x5eed_d7ace) >>> 0;
const CASES = Number(process.env.DTSH_FUZZ_CASES ?? 10000);
/** A case still running after this long is a hang. */
const HANG_MS = 10000;
/** A case that finishes but took longer than this is reported as too slow. */
const SLOW_MS = 2000;
const WORKERS = 2;
/** The CLI compiles on Node's main thread, whose stack is about 1 MB (a worker's is 4 MB by default). */
const STACK_MB = 1;

const report = (index: number, input: string, what: string) =>
  `seed ${SEED} (DTSH_FUZZ_SEED=${SEED}), case ${index}: ${what}\n--- input ---\n${input}\n-------------`;
const reportFailure = (f: Failure) => report(f.index, f.input, `${f.type}: ${f.message}\n${f.stack.split('\n').slice(1, 6).join('\n')}`);

test('the fuzzer\'s corpus: every program compiles and assembles', () => {
  const c = makeCompiler();
  for (const src of CORPUS) {
    const o = compileCase(c, src);
    assert.equal(o.kind, 'compiled', `${src}\n${o.kind === 'derror' ? o.message : ''}`);
  }
  // the tokenizer gives the source back, so token mutations change only what they mean to
  for (const src of CORPUS) assert.equal(tokens(src).join(''), src);
});

/** Runs cases [start, start + count) in a worker, failing on a hang. */
function runWorker(start: number, count: number): Promise<WorkerOutput> {
  const progress = new SharedArrayBuffer(8);
  const view = new Int32Array(progress);
  view[0] = -1;
  const data: WorkerInput = { seed: SEED, start, count, progress };
  const worker = new Worker(new URL('./fuzz-compile-worker.js', import.meta.url),
    { workerData: data, resourceLimits: { stackSizeMb: STACK_MB } });
  return new Promise((resolve, reject) => {
    let last = -1;
    let since = Date.now();
    const watch = setInterval(() => {
      const now = Atomics.load(view, 0);
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Atomics.load(view, 1) === 0 && Date.now() - since > HANG_MS) {
        clearInterval(watch);
        void worker.terminate();
        reject(new Error(report(now, makeCase(SEED, now), `still compiling after ${HANG_MS} ms (a hang)`)));
      }
    }, 50);
    worker.once('message', (m: WorkerOutput) => {
      clearInterval(watch);
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', (e) => {
      clearInterval(watch);
      const at = Atomics.load(view, 0);
      reject(new Error(report(at, makeCase(SEED, at), `the worker died: ${e.stack}`)));
    });
  });
}

let run: { failures: Failure[]; compiled: number[] } | undefined;

test(`${CASES} mutated programs: each compiles (and assembles) or throws a one-line DError, in bounded time`, async () => {
  const per = Math.ceil(CASES / WORKERS);
  const results = await Promise.all(
    Array.from({ length: WORKERS }, (_, w) => runWorker(w * per, Math.max(0, Math.min(per, CASES - w * per)))));
  const failures = results.flatMap((r) => r.failures);
  const compiled = results.flatMap((r) => r.compiled).sort((a, b) => a - b);
  run = { failures, compiled };
  const slowest = results.map((r) => r.slowest).sort((a, b) => b.ms - a.ms)[0];
  const derrors = results.reduce((s, r) => s + r.derrors, 0);
  const broad = results.reduce((s, r) => s + r.broad, 0);
  const known = KNOWN_BUGS.map((b) => `${failures.filter(b.matches).length} x ${b.id}`).join(', ');
  const stats = `seed ${SEED}: ${compiled.length} compiled, ${derrors} DErrors, ${broad} too broad to compile, ` +
    `${failures.length} failures (known bugs: ${known}); slowest case ${slowest.index} (${slowest.ms.toFixed(0)} ms)`;
  if (process.env.DTSH_FUZZ_VERBOSE) {
    const messages: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.messages)) messages[k] = (messages[k] ?? 0) + v;
    console.log(stats);
    for (const [k, v] of Object.entries(messages).sort((a, b) => b[1] - a[1])) console.log(String(v).padStart(6), k);
  }
  const unknown = failures.filter((f) => !KNOWN_BUGS.some((b) => b.matches(f)));
  assert.deepEqual(unknown.slice(0, 5).map(reportFailure), [],
    `${unknown.length} of ${CASES} cases threw something other than a one-line DError (${stats})`);
  assert.ok(slowest.ms < SLOW_MS, report(slowest.index, makeCase(SEED, slowest.index), `took ${slowest.ms.toFixed(0)} ms`));
  // the mix is only useful if both outcomes are common
  assert.ok(compiled.length > CASES / 20, stats);
  assert.ok(derrors > CASES / 4, stats);
});

for (const bug of KNOWN_BUGS) {
  test(`fuzz: no case fails with "${bug.id}"`, { todo: bug.todo }, () => {
    assert.ok(run, 'the fuzz run did not finish');
    const hits = run.failures.filter(bug.matches);
    assert.deepEqual(hits.slice(0, 3).map(reportFailure), [], `${hits.length} cases`);
  });
}

test('a clause too long for BPF\'s 16-bit jumps is refused with a DError, not an assembler error', {
}, () => {
  const c = makeCompiler();
  const src = `BEGIN { ${Array(10000).fill('x++;').join(' ')} trace(x); }`;
  let outcome: string;
  try {
    outcome = compileCase(c, src).kind;
  } catch (e) {
    outcome = `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  assert.ok(outcome === 'derror' || outcome === 'compiled', outcome);
});

test('a clause on an fbt probe compiles or is refused with a DError', {
}, () => {
  const c = makeCompiler();
  let outcome: string;
  try {
    outcome = compileCase(c, 'fbt::vfs_read:entry { @[execname] = count(); }').kind;
  } catch (e) {
    outcome = `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  assert.ok(outcome === 'derror' || outcome === 'compiled', outcome);
});

test('100 of the programs that compiled load into the kernel: the verifier accepts every one', kernelTest(), () => {
  const c = makeCompiler();
  // the fuzz run's compiled cases, or, when it did not run, the first ones found again
  const pool = run?.compiled.slice() ?? [];
  for (let i = 0; !pool.length && i < CASES; i++) {
    try {
      if (compileCase(c, makeCase(SEED, i)).kind === 'compiled') pool.push(i);
    } catch {
      // reported by the fuzz test
    }
    if (pool.length >= 400) break;
  }
  const r = caseRng(SEED, -1);
  const sample = new Set<number>();
  while (sample.size < Math.min(100, pool.length)) sample.add(pool[Math.floor(r() * pool.length)]);
  const rejected: string[] = [];
  for (const index of [...sample].sort((a, b) => a - b)) {
    const src = makeCase(SEED, index);
    const session = new Session(compile(parseProgram(src), c.table, c.opts));
    try {
      session.load();
    } catch (e) {
      rejected.push(report(index, src, `${(e as Error).constructor.name}: ${(e as Error).message}` +
        (e instanceof DError && e.pos ? ` (at line ${e.pos.line}, column ${e.pos.col})` : '')));
    } finally {
      session.close();
    }
  }
  assert.equal(sample.size, 100, `only ${pool.length} compiled cases to sample from`);
  assert.deepEqual(rejected.slice(0, 5), [], `${rejected.length} of ${sample.size} compiled programs were refused by the kernel`);
});
