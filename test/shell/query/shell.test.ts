// .query and .watch in dtsh (line mode) over aggregations that deterministic triggers build, and
// .set oformat=json: every line of output a JSON object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ShellSession } from '../../helpers/shell-session.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';

/** A trigger held at a gate, so its pid can go into predicates before it runs. */
function gated(args: string) {
  const child = spawn('/bin/sh', ['-c', `read _g; exec ${triggerPath()} ${args}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { pid: child.pid!, run: async () => { child.stdin!.end('\n'); await exited; } };
}

/** Output between `.query "<name>"` markers. */
function section(out: string, name: string): string {
  const start = out.indexOf(`<${name}>\n`);
  assert.ok(start >= 0, `no <${name}> in\n${out}`);
  const from = start + name.length + 3;
  const end = out.indexOf('<', from);
  return out.slice(from, end < 0 ? undefined : end);
}

test('.query over aggregations of known counts: top keys, buckets above a bound, growth, a join; bad queries', kernelTest(), async () => {
  const a = gated('read 300 100');
  const b = gated('read 200 3000');
  const sh = new ShellSession();
  const ours = `(pid == ${a.pid} || pid == ${b.pid}) && (arg2 == 100 || arg2 == 3000)`;
  sh.send('.set quiet');
  sh.send(`syscall::read:entry /${ours}/ { @calls[pid] = count(); @bytes[pid] = sum(arg2); @size = quantize(arg2); }`);
  sh.send('.query "<empty>"');
  sh.send('.query $count(@calls)');
  await sh.waitFor(/<empty>\n0\n/);
  await a.run();
  sh.send('.query "<a>"');
  sh.send('.query @calls.value');
  // $prev is the snapshot of the last query: this marker's, taken before b runs
  sh.send('.query "<grew>"');
  await sh.waitFor(/<a>\n300\n<grew>\n/);
  await b.run();
  sh.send('.query ( $p := $prev.@calls{key: value}; @calls[value > ($lookup($p, key) ?? 0)].keys[0] )');
  sh.send('.query "<top>"');
  sh.send('.query @calls^(>value)[[0..4]].keys[0]');
  sh.send('.query "<above>"');
  sh.send('.query $sum(@size.buckets[lo >= 1024].count)');
  sh.send('.query "<join>"');
  sh.send('.query ( $b := @bytes{key: value}; @calls.{"pid": keys[0], "calls": value, "bytes": $lookup($b, key)} )');
  sh.send('.query "<histogram>"');
  sh.send('.query @size.buckets');
  sh.send('.query "<bad>"');
  sh.send('.query @calls[value >');
  sh.send('.query @nosuch.value');
  sh.send('.query 6 * 7');
  sh.send('.query "<watch>"');
  sh.send('.watch -n 2 0.1 $sum(@calls.value)');
  sh.send('.query "<end>"');
  await sh.waitFor(/<end>\n/);
  sh.send('.quit');
  assert.equal(await sh.end(), 0);
  const out = sh.stdout;
  assert.equal(section(out, 'grew'), `${b.pid}\n`, 'only b grew since the last query');
  assert.equal(section(out, 'top'), `[${a.pid},${b.pid}]\n`);
  assert.equal(section(out, 'above'), '200\n');
  const join = section(out, 'join');
  assert.match(join, /│ pid +│ calls │ bytes +│/);
  assert.match(join, new RegExp(`│ +${a.pid} │ +300 │ +30000 │`));
  assert.match(join, new RegExp(`│ +${b.pid} │ +200 │ +600000 │`));
  assert.match(section(out, 'histogram'), /value +-+ Distribution -+ count\s+\n +64 \|@+ +300 +\n +2048 \|@+ +200 +\n/);
  assert.equal(section(out, 'bad'), '42\n', 'the shell goes on after bad queries');
  assert.equal(section(out, 'watch'), 'Every 0.1s: $sum(@calls.value)  (1 of 2)\n500\nEvery 0.1s: $sum(@calls.value)  (2 of 2)\n500\n');
  assert.equal(sh.stderr.split('\n').filter((l) => l.startsWith('dtsh:')).join('\n'), [
    'dtsh: .query: column 14: Expected "]" before end of expression',
    'dtsh: .query: no aggregation @nosuch (this session has @calls, @bytes, @size)',
  ].join('\n'));
});

test('.set oformat=json: records, and the aggregations at the end, one JSON object a line', kernelTest(), async () => {
  const t = gated('getppid 5');
  const sh = new ShellSession();
  sh.send('.set oformat=json');
  sh.send(`syscall::getppid:entry /pid == ${t.pid}/ { printf("%d\\n", pid); @n[execname] = count(); }`);
  await sh.waitFor(/matched 1 probe/);
  await t.run();
  await new Promise((r) => setTimeout(r, 300));
  sh.send('.print @n');
  await sh.waitFor(/"type":"aggregation"/);
  sh.send('.quit');
  assert.equal(await sh.end(), 0);
  const lines = sh.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const records = lines.filter((l) => l.type === 'record');
  assert.equal(records.length, 5);
  // .print prints as at exit: a JSON line an aggregation
  const printed = lines.findIndex((l) => l.type === 'aggregation');
  assert.ok(printed > lines.lastIndexOf(records[4]));
  assert.deepEqual(lines[printed], lines[lines.length - 1]);
  assert.deepEqual(records[0].data, [{ action: 'printf', text: `${t.pid}\n`, args: [t.pid] }]);
  assert.equal(records[0].probe, 'syscall:vmlinux:getppid:entry');
  const aggs = lines.filter((l) => l.type === 'aggregation');
  assert.equal(aggs.length, 2);
  assert.equal(aggs[0].name, 'n');
  assert.equal(aggs[0].entries[0].value, 5);
});
