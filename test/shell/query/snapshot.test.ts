// The query snapshot reads count() and sum() maps itself: it must give exactly what the ordinary
// snapshot and the model give, for every kind of key, negative sums, clear() and normalize(), and as
// keys are added and values change between snapshots (it keeps the entries that did not change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { kernelTest } from '../../kernel-gate.js';
import { triggerPath } from '../../helpers/trigger.js';
import { parseProgram } from '../../../d/parser.js';
import { compile } from '../../../kmod/codegen/compile.js';
import { ProbeTable } from '../../../kmod/probes/table.js';
import { TraceRun } from '../../../shell/engine/trace-run.js';
import { compileOptionsOf, defaultOptions } from '../../../shell/engine/options.js';
import { forgetEntries, queryAggregation, queryAggregations } from '../../../shell/query/snapshot.js';
import { aggregationModel } from '../../../shell/query/model.js';

/** A trigger held at a gate, so its pid can go into the predicate before it runs. */
function gated(args: string) {
  const child = spawn('/bin/sh', ['-c', `read _g; exec ${triggerPath()} ${args}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { pid: child.pid!, run: async () => { child.stdin!.end('\n'); await exited; } };
}

test('query snapshots of count() and sum() equal the ordinary snapshot', kernelTest(), async () => {
  const a = gated('read 30 100');
  const b = gated('read 20 3000');
  const opts = defaultOptions();
  opts.quiet = true;
  const pred = `/(pid == ${a.pid} || pid == ${b.pid}) && (arg2 == 100 || arg2 == 3000)/`;
  const src = `syscall::read:entry ${pred} {
    @k[arg2, execname, pid] = count();
    @i[(int)arg2 - 2000] = count();
    @u[(uint8_t)arg2, (uint16_t)arg2] = count();
    @neg[pid] = sum(0 - (int64_t)arg2);
    @big[arg2 + 4611686018427387904] = sum(arg2 * 100000000000000);
    @s = sum(arg2);
    @q[execname] = quantize(arg2);
    @a[pid] = avg(arg2);
  }`;
  const compiled = compile(parseProgram(src), new ProbeTable(), compileOptionsOf(opts, { pid: process.pid }));
  const run = new TraceRun(compiled, opts, { out: () => {}, err: () => {} });
  run.start();
  try {
    const same = () => {
      for (const name of run.aggs.keys()) assert.deepEqual(queryAggregation(run, name), aggregationModel(run.snapshot(name)), `@${name}`);
    };
    same();
    await a.run();
    same();
    // entries kept from the last snapshot where nothing changed; b's keys are new
    const before = queryAggregation(run, 'k').entries;
    await b.run();
    same();
    const after = queryAggregation(run, 'k').entries;
    assert.ok(after.includes(before[0]), 'an unchanged entry is the same object');
    forgetEntries(run);
    same();
    const k = queryAggregation(run, 'k').entries;
    assert.deepEqual(k.map((e) => e.value), [20, 30]);
    assert.deepEqual(k.map((e) => e.keys[0]), [3000, 100]);
    assert.deepEqual(queryAggregation(run, 'neg').entries.map((e) => e.value), [-60000, -3000]);
    assert.equal(queryAggregation(run, 'big').entries.length, 2);
    assert.ok(queryAggregation(run, 'big').entries.every((e) => typeof e.value === 'string' && typeof e.keys[0] === 'string'), 'beyond 2^53: strings');
    run.aggop('normalize', 'k', 3n);
    run.aggop('normalize', 'neg', 7n);
    same();
    assert.deepEqual(queryAggregation(run, 'k').entries.map((e) => e.value), [6, 10]);
    run.aggop('clear', 'k');
    same();
    assert.deepEqual(queryAggregation(run, 'k').entries.map((e) => e.value), [0, 0], 'cleared: the keys stay, at zero');
    assert.deepEqual(queryAggregations(run).map((x) => x.name).sort(), [...run.aggs.keys()].sort());
  } finally {
    run.stop();
    await run.done;
  }
});
