// `npm run bench`: the figures the issues ask for, printed as a table (see the README for recorded runs).
import { spawnSync } from 'node:child_process';
import { addedCost, dtshTracer, bpftraceTracer } from './per-event.js';
import { bpftrace, median, wallMs, buildLoop, DTRACE } from './tools.js';
import { compile50, bigAggregation } from './in-process.js';
import { queryLatency } from './query.js';
import { startAndLoad, completion, enableLatency } from './shell.js';
import { fbtRows, fbtRowsInVm } from './fbt.js';

/** Lines printed vs events issued for a printf per getppid of a 1,000,000-call loop (-c), and drops reported. */
function deliveredLines(bt: string | undefined): [string, string][] {
  const loop = buildLoop();
  const n = 1000000;
  const out: [string, string][] = [];
  const d = spawnSync('/bin/sh', ['-c', `node ${DTRACE} -q -n 'syscall::getppid:entry /pid == $target/ { printf("%d %s\\n", pid, execname); }' -c '${loop} ${n}' | grep -c ' loop$'`],
    { encoding: 'utf8', maxBuffer: 1 << 26 });
  const drops = /(\d+) drops? on CPU/.exec(d.stderr)?.[1] ?? '0';
  out.push([`dtsh printf lines delivered of ${n} issued (drops reported)`, `${d.stdout.trim()} (${drops})`]);
  if (bt) {
    const b = spawnSync('/bin/sh', ['-c', `${bt} -e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { printf("%d %s\\n", pid, comm); }' -c '${loop} ${n}' | grep -c ' loop$'`],
      { encoding: 'utf8', maxBuffer: 1 << 26 });
    const lost = /Lost (\d+) events/.exec(b.stdout + b.stderr)?.[1] ?? '0';
    out.push([`bpftrace printf lines delivered of ${n} issued (lost reported)`, `${b.stdout.trim()} (${lost})`]);
  }
  return out;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (k: string) => only.length === 0 || only.includes(k);
  const bt = bpftrace();
  const rows: [string, string][] = [];

  if (want('list')) {
    const times = [0, 1, 2, 3, 4].map(() => wallMs('/bin/sh', ['-c', `node ${DTRACE} -l | wc -l > /dev/null`]));
    const lines = spawnSync('/bin/sh', ['-c', `node ${DTRACE} -l | wc -l`], { encoding: 'utf8' }).stdout.trim();
    rows.push([`dtrace -l | wc -l (${lines} lines), median of 5`, `${median(times).toFixed(0)} ms`]);
  }

  if (want('startup')) {
    const d = [0, 1, 2, 3, 4].map(() => wallMs(process.execPath, [DTRACE, '-q', '-n', 'syscall::getppid:entry { @ = count(); }', '-c', 'true']));
    rows.push(["dtrace -n 'syscall::getppid:entry { @ = count(); }' -c true, median of 5", `${median(d).toFixed(0)} ms`]);
    if (bt) {
      const b = [0, 1, 2, 3, 4].map(() => wallMs(bt, ['-e', 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }', '-c', '/bin/true']));
      rows.push(["bpftrace -e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }' -c true", `${median(b).toFixed(0)} ms`]);
    }
  }

  if (want('count')) {
    const tracers = [dtshTracer('syscall::getppid:entry { @ = count(); }')];
    if (bt) tracers.push(bpftraceTracer(bt, 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }'));
    const res = await addedCost(tracers);
    for (const [name, r] of res) rows.push([`added ns per getppid, ${name} (untraced ${r.base.toFixed(0)} ns)`, `${r.added.toFixed(1)} ns (program ${r.prog.toFixed(1)} ns/run)`]);
  }

  if (want('compile')) rows.push(['compile a 50-clause script (parse, check, generate), median of 9', `${compile50().toFixed(1)} ms`]);

  if (want('aggs')) {
    const pairs: [string, string][] = [
      ['syscall::getppid:entry { @[execname] = count(); }', 'tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }'],
      ['syscall::getppid:entry { @[pid] = sum(arg0); }', 'tracepoint:syscalls:sys_enter_getppid { @[pid] = sum(args->__syscall_nr); }'],
      ['syscall::getppid:entry { @ = quantize(arg0); }', 'tracepoint:syscalls:sys_enter_getppid { @ = hist(args->__syscall_nr); }'],
    ];
    const tracers = pairs.flatMap(([d, b]) => (bt ? [dtshTracer(d), bpftraceTracer(bt, b)] : [dtshTracer(d)]));
    const res = await addedCost(tracers);
    for (const [name, r] of res) rows.push([`added ns per getppid, ${name}`, `${r.added.toFixed(1)} ns (program ${r.prog.toFixed(1)} ns/run)`]);
  }

  if (want('printf')) {
    const tracers = [dtshTracer('syscall::getppid:entry { printf("%d %s\\n", pid, execname); }')];
    if (bt) tracers.push(bpftraceTracer(bt, 'tracepoint:syscalls:sys_enter_getppid { printf("%d %s\\n", pid, comm); }'));
    const res = await addedCost(tracers, 3);
    for (const [name, r] of res) rows.push([`added ns per getppid, ${name}`, `${r.added.toFixed(1)} ns (program ${r.prog.toFixed(1)} ns/run)`]);
    for (const d of deliveredLines(bt)) rows.push(d);
  }

  if (want('snapshot')) {
    const r = await bigAggregation(100000);
    rows.push([`snapshot of an aggregation with ${r.keys} keys`, `${r.snapshotMs.toFixed(0)} ms`]);
    rows.push([`print of the same aggregation (DTrace format)`, `${r.printMs.toFixed(0)} ms`]);
  }

  if (want('query')) {
    // .query over 100,000 keys: snapshot (the query model, read from the map) + evaluate + render
    const r = await queryLatency(100000);
    rows.push([`.query snapshot of an aggregation with ${r.keys} keys, fresh / repeated, median of 7`, `${r.snapshotMs.fresh.toFixed(0)} / ${r.snapshotMs.repeated.toFixed(0)} ms`]);
    for (const q of r.queries) rows.push([`.query ${q.expr}: with the snapshot fresh / repeated (evaluate+render)`, `${q.freshMs.toFixed(0)} / ${q.repeatedMs.toFixed(0)} ms (${q.evalMs.toFixed(0)} ms)`]);
  }

  if (want('fbt')) {
    // fbt cannot attach on every host: measured in the VM (a stock distro kernel), see bench/fbt.ts
    for (const r of process.env.VMLANE_GUEST === '1' ? await fbtRows() : fbtRowsInVm()) rows.push(r);
  }

  if (want('shell')) {
    const s = startAndLoad();
    rows.push(['dtsh start to exit on .quit (line mode), median of 5', `${s.startMs.toFixed(0)} ms`]);
    rows.push(['.load (driver checks and the whole probe table)', `${s.loadMs.toFixed(0)} ms`]);
    const c = completion();
    rows.push([`probe completion index build (${'full table'})`, `${c.buildMs.toFixed(0)} ms`]);
    rows.push(['Tab completion latency over 1,000 random prefixes, p50 / p99', `${c.p50.toFixed(2)} / ${c.p99.toFixed(2)} ms`]);
    rows.push(['Enter on a clause to its probe attached (live session), median of 5', `${(await enableLatency()).toFixed(1)} ms`]);
  }

  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
