// dtrace -O json (NDJSON: every record, error and drop an object a line, the aggregations at exit) and
// -O json-doc (one document at exit), checked by parsing every line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtrace } from '../../helpers/run.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';
import { parseArgs } from '../../../shell/cli/args.js';

const PROGRAM = [
  '-n', 'syscall::getppid:entry /pid == $target/ { printf("%d %s\\n", pid, execname); trace(7); @calls[execname] = count(); @q = quantize(1000); }',
  '-n', 'syscall::getppid:entry /pid == $target/ { trace(*(int *)8); }',
];

function lines(stdout: string): Record<string, unknown>[] {
  const all = stdout.split('\n');
  assert.equal(all.pop(), '', 'the output ends with a newline');
  return all.map((l, i) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      assert.fail(`line ${i + 1} is not JSON: ${JSON.stringify(l)}`);
    }
  });
}

test('-O json: one JSON object a line: records, errors as events, the aggregations at exit', kernelTest(), () => {
  const r = dtrace(['-O', 'json', ...PROGRAM, '-c', `${triggerPath()} getppid 4`]);
  assert.equal(r.status, 0, r.stderr);
  const objs = lines(r.stdout);
  const records = objs.filter((o) => o.type === 'record');
  assert.equal(records.length, 4);
  const [pid, execname] = (records[0].data as { args: [number, string] }[])[0].args;
  assert.equal(typeof pid, 'number');
  assert.deepEqual(records[0].data, [{ action: 'printf', text: `${pid} ${execname}\n`, args: [pid, execname] }, { action: 'trace', value: 7 }]);
  assert.equal(records[0].probe, 'syscall:vmlinux:getppid:entry');
  assert.equal(typeof records[0].cpu, 'number');
  const errors = objs.filter((o) => o.type === 'error');
  assert.equal(errors.length, 4);
  assert.equal(errors[0].fault, 'invalid address');
  assert.equal(errors[0].addr, '0x8');
  assert.match(String(errors[0].message), /^dtrace: error on enabled probe ID 2 \(ID \d+: syscall:vmlinux:getppid:entry\): invalid address \(0x8\) in action #1$/);
  const aggs = objs.filter((o) => o.type === 'aggregation');
  assert.deepEqual(aggs.map((a) => a.name), ['calls', 'q']);
  assert.equal((aggs[0].entries as { value: number }[])[0].value, 4);
  assert.deepEqual((aggs[1].entries as { buckets: unknown[] }[])[0].buckets, [{ lo: 512, hi: 1024, count: 4 }]);
  // errors still go to standard error as DTrace prints them
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('dtrace: error on enabled probe')).length, 4);
});

test('-O json: drops are events; the records delivered and the drops reported add up to the firings', kernelTest(), () => {
  const n = 200000;
  const r = dtrace(['-b', '4k', '-O', 'json', '-n', 'syscall::getppid:entry /pid == $target/ { printf("%d %d\\n", pid, pid); }', '-c', `${triggerPath()} getppid ${n}`]);
  assert.equal(r.status, 0, r.stderr);
  const objs = lines(r.stdout);
  const drops = objs.filter((o) => o.type === 'drop');
  assert.ok(drops.length > 0, 'a 4k buffer drops');
  for (const d of drops) {
    assert.equal(d.kind, 'buffer');
    assert.equal(d.message, `dtrace: ${d.count} drops on CPU ${d.cpu}`);
  }
  const records = objs.filter((o) => o.type === 'record').length;
  assert.equal(records + drops.reduce((s, d) => s + (d.count as number), 0), n);
});

test('-O json-doc: one JSON document at exit; -x oformat=json is the same as -O json', kernelTest(), () => {
  const r = dtrace(['-q', '-O', 'json-doc', ...PROGRAM, '-c', `${triggerPath()} getppid 3`]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    records: unknown[]; events: { type: string }[]; aggregations: Record<string, { entries: { value: number }[] }>;
    probes: { id: number; description: string; probes: number }[]; drops: Record<string, number>; errors: number; status: number;
  };
  assert.equal(doc.records.length, 3);
  assert.deepEqual(doc.events.map((e) => e.type), ['error', 'error', 'error']);
  assert.deepEqual(Object.keys(doc.aggregations), ['calls', 'q']);
  assert.equal(doc.aggregations.calls.entries[0].value, 3);
  assert.deepEqual(doc.probes, [
    { id: 1, description: 'syscall::getppid:entry', probes: 1 },
    { id: 2, description: 'syscall::getppid:entry', probes: 1 },
  ]);
  assert.deepEqual(doc.drops, { buffer: 0, aggregation: 0, dynamic: 0, speculative: 0 });
  assert.equal(doc.errors, 3);
  assert.equal(doc.status, 0);
  const x = dtrace(['-q', '-x', 'oformat=json', '-n', 'BEGIN { trace("hi"); exit(3); }']);
  assert.equal(x.status, 3);
  assert.deepEqual(lines(x.stdout).map((o) => o.data), [[{ action: 'trace', value: 'hi' }, { action: 'exit', status: 3 }]]);
});

test('-O takes json, json-doc or text; anything else is a usage error', () => {
  assert.deepEqual(parseArgs(['-O', 'json', '-n', 'BEGIN']).xopts, [['oformat', 'json']]);
  assert.deepEqual(parseArgs(['-Ojson-doc']).xopts, [['oformat', 'json-doc']]);
  const r = dtrace(['-O', 'xml', '-n', 'BEGIN { exit(0); }']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'dtrace: failed to set -x oformat: Invalid value\n');
});
