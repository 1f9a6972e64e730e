// `npm run bench`: the figures the issues ask for, printed as a table (see the README for recorded runs).
import { spawnSync } from 'node:child_process';
import { addedCost, dtshTracer, bpftraceTracer } from './per-event.js';
import { bpftrace, median, wallMs, DTRACE } from './tools.js';

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
    for (const [name, r] of res) rows.push([`added ns per getppid, ${name} (untraced ${r.base.toFixed(0)} ns)`, `${r.added.toFixed(1)} ns`]);
  }

  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
