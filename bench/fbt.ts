// fbt figures, measured inside the VM (Debian's kernels; this host cannot attach fbt). On 6.1: attach and
// detach time of fbt::vfs_*: next to bpftrace's kprobe:vfs_* and kfunc:vfs_*, and the added cost per
// vfs_read of a count() through fentry and through a kprobe, dtsh next to bpftrace. On 6.12 (kprobe_multi,
// DTSH_BENCH_FBT=mass): fbt::: and fbt:::entry next to bpftrace's kprobe:* and kprobe:*,kretprobe:*.
// `npm run bench fbt` runs this file in the VM on both (bench/run.ts); `node dist/bench/fbt.js` runs it here.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fdLinks } from '../test/helpers/proc-fds.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DTRACE, bpftrace, median, sleep } from './tools.js';
import { ProbeTable } from '../kmod/probes/table.js';
import { detectFbtSupport } from '../kmod/probes/fbt-support.js';

export const VM = resolve('../shared/vm/run-in-vm');

/** Perf events and BPF links a process holds: its attachments. */
function attachments(pid: number): number {
  return fdLinks(pid).filter(({ link }) => link.includes('perf_event') || link.includes('bpf_link') || link.includes('bpf-link')).length;
}

interface AttachTimes {
  probes: number;
  /** From the first attachment to the last (the count then stays put for a second). */
  attachMs: number;
  /** From SIGINT to exit. */
  detachMs: number;
  fds: number;
}

/** Starts a tracer, times its attaching by watching its fds, then times its exit after SIGINT. */
async function attachDetach(cmd: string, args: string[], env: Record<string, string> = {}, probes = 0): Promise<AttachTimes> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let first = 0;
  let last = 0;
  let count = 0;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited early: ${err.trim().split('\n').pop()}`);
    const n = attachments(child.pid!);
    const now = Date.now();
    if (n > count) {
      if (!first) first = now;
      count = n;
      last = now;
    } else if (count && now - last > 1500) break;
    if (now > deadline) throw new Error(`${cmd} did not finish attaching`);
    await sleep(50);
  }
  const t = Date.now();
  child.kill('SIGINT');
  await exited;
  return { probes, attachMs: last - first, detachMs: Date.now() - t, fds: count };
}

function build(name: string): string {
  const dir = join(tmpdir(), 'dtsh-bench');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, name);
  execFileSync('gcc', ['-O2', '-o', out, resolve(`bench/${name}.c`)]);
  return out;
}

interface Tracer {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

/** Waits until a tracer holds attachments and they stop growing. */
async function startTracer(t: Tracer): Promise<ReturnType<typeof spawn>> {
  const child = spawn(t.cmd, t.args, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, ...t.env } });
  let count = 0;
  let last = Date.now();
  const end = Date.now() + 120000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`${t.name} did not attach`);
    const n = attachments(child.pid!);
    if (n > count) {
      count = n;
      last = Date.now();
    } else if (count && Date.now() - last > 500) break;
    await sleep(50);
  }
  return child;
}

/** ns per read: untraced, traced, untraced (medians of 3), per tracer and repetition; added = traced - untraced. */
async function addedPerRead(tracers: Tracer[], reps: number, n: number): Promise<Map<string, { added: number; base: number }>> {
  const loop = build('readloop');
  const ns = () => Number(execFileSync(loop, [String(n)], { encoding: 'utf8' }).trim());
  const out = new Map<string, { added: number[]; base: number[] }>();
  for (let r = 0; r < reps; r++) {
    for (const t of tracers) {
      const before = median([0, 1, 2].map(ns));
      const child = await startTracer(t);
      const traced = median([0, 1, 2].map(ns));
      const done = new Promise((res) => child.on('exit', res));
      child.kill('SIGINT');
      await done;
      const after = median([0, 1, 2].map(ns));
      const base = (before + after) / 2;
      const e = out.get(t.name) ?? { added: [], base: [] };
      e.added.push(traced - base);
      e.base.push(base);
      out.set(t.name, e);
    }
  }
  return new Map([...out].map(([k, v]) => [k, { added: median(v.added), base: median(v.base) }]));
}

const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;

/**
 * A tracer's attach and detach time as it reports them: from its "matched N probes" / "Attaching N
 * probes" line to its BEGIN output (both print BEGIN once every probe is attached), then from SIGINT to exit.
 */
async function attachDetachReported(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ attachMs: number; detachMs: number }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  let out = '';
  let announced = 0;
  let ready = 0;
  child.stderr!.on('data', (d) => {
    err += d;
    if (!announced && /matched \d+ probes?|Attaching \d+ probes?/.test(err)) announced = Date.now();
  });
  child.stdout!.on('data', (d) => {
    out += d;
    if (!announced && /Attaching \d+ probes?/.test(out)) announced = Date.now();
    if (!ready && out.includes('dtsh-ready')) ready = Date.now();
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const deadline = Date.now() + 20 * 60_000;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited early: ${err.trim().split('\n').pop()}`);
    if (Date.now() > deadline) throw new Error(`${cmd} did not attach`);
    await sleep(20);
  }
  await sleep(1000);
  const t = Date.now();
  child.kill('SIGINT');
  await exited;
  return { attachMs: ready - (announced || ready), detachMs: Date.now() - t };
}

/** Mass enabling where the kernel has kprobe_multi: dtsh's fbt::: and fbt::vfs_*: next to bpftrace's kprobe:* and kprobe:vfs_*. */
export async function massRows(): Promise<[string, string][]> {
  const rows: [string, string][] = [];
  const s = detectFbtSupport();
  add(rows, [`fbt attaches on ${release()} with`, `${s.fentry ? 'fentry/fexit, ' : ''}${s.kprobes ? 'kprobes' : 'no kprobes'}, ${s.kprobeMulti ? 'kprobe_multi' : 'no kprobe_multi'}`]);
  if (!s.kprobeMulti) return rows;
  const table = new ProbeTable();
  const ready = 'BEGIN { printf("dtsh-ready\\n"); }';
  for (const desc of ['fbt::vfs_*:', 'fbt:::entry', 'fbt:::']) {
    const n = table.match(desc).length;
    const d = await attachDetachReported(process.execPath, [DTRACE, '-n', `${desc} { @ = count(); } ${ready}`]);
    add(rows, [`dtsh ${desc} (${n} probes, kprobe_multi): attach / detach`, `${ms(d.attachMs)} / ${ms(d.detachMs)}`]);
  }
  const bt = bpftrace();
  if (bt) {
    for (const p of ['kprobe:vfs_*', 'kprobe:*', 'kprobe:*,kretprobe:*']) {
      try {
        const b = await attachDetachReported(bt, ['-e', `${p} { @ = count(); } ${ready}`], { BPFTRACE_MAX_PROBES: '1000000' });
        add(rows, [`bpftrace ${p}: attach / detach`, `${ms(b.attachMs)} / ${ms(b.detachMs)}`]);
      } catch (e) {
        add(rows, [`bpftrace ${p}`, `failed: ${(e as Error).message}`]);
      }
    }
  }
  return rows;
}

/** Set when this file runs on its own: each row is printed as it is measured (a run that times out still shows them). */
let printing = false;

function add(rows: [string, string][], row: [string, string]): void {
  rows.push(row);
  if (printing) console.log(`${row[0]}\t${row[1]}`);
}

function release(): string {
  return `Linux ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}`;
}

export async function fbtRows(): Promise<[string, string][]> {
  const rows: [string, string][] = [];
  const bt = bpftrace();
  const s = detectFbtSupport();
  add(rows, ['fbt attaches here with', `${s.fentry ? 'fentry/fexit, ' : ''}${s.kprobes ? 'kprobes' : 'no kprobes'}, ${s.kprobeMulti ? 'kprobe_multi' : 'no kprobe_multi'}`]);
  const table = new ProbeTable();
  const vfs = table.match('fbt::vfs_*:').length;
  const all = table.ofProvider('fbt').length;

  const d = await attachDetach(process.execPath, [DTRACE, '-q', '-n', 'fbt::vfs_*: { @ = count(); }'], {}, vfs);
  add(rows, [`dtsh fbt::vfs_*: (${vfs} probes, ${d.fds} perf events + links): attach / detach`, `${ms(d.attachMs)} / ${ms(d.detachMs)}`]);
  const ventry = table.match('fbt::vfs_*:entry').length;
  const de = await attachDetach(process.execPath, [DTRACE, '-q', '-n', 'fbt::vfs_*:entry { @ = count(); }'], {}, ventry);
  add(rows, [`dtsh fbt::vfs_*:entry (${ventry} probes, ${de.fds} perf events + links): attach / detach`, `${ms(de.attachMs)} / ${ms(de.detachMs)}`]);
  if (bt) {
    for (const script of ['kprobe:vfs_* { @ = count(); }', 'kfunc:vfs_* { @ = count(); }']) {
      try {
        const b = await attachDetach(bt, ['-e', script], { BPFTRACE_MAX_PROBES: '100000' });
        add(rows, [`bpftrace ${script.split(' ')[0]} (${b.fds} perf events/links): attach / detach`, `${ms(b.attachMs)} / ${ms(b.detachMs)}`]);
      } catch (e) {
        add(rows, [`bpftrace ${script.split(' ')[0]}`, `failed: ${(e as Error).message}`]);
      }
    }
  } else add(rows, ['bpftrace', 'not installed']);

  // with kprobe_multi, fbt::: is measured by massRows (from the tools' own output: links are too few to watch)
  if (!s.kprobeMulti) {
    const per = { a: d.attachMs / Math.max(1, vfs), d: d.detachMs / Math.max(1, vfs) };
    add(rows, [`dtsh fbt::: (${all} probes): not run, above maxprobes and no kprobe_multi here; one kprobe each would take`,
      `~${ms(per.a * all)} / ~${ms(per.d * all)} (from fbt::vfs_*:)`]);
  }

  const tracers: Tracer[] = [
    { name: "dtsh fbt::vfs_read:entry { @ = count(); } (fentry)", cmd: process.execPath, args: [DTRACE, '-q', '-n', 'fbt::vfs_read:entry { @ = count(); }'] },
    { name: "dtsh fbt::vfs_read:entry { @ = count(); } (kprobe)", cmd: process.execPath, args: [DTRACE, '-q', '-n', 'fbt::vfs_read:entry { @ = count(); }'], env: { DTSH_FBT: 'kprobe' } },
  ];
  if (bt) {
    tracers.push({ name: 'bpftrace kfunc:vfs_read { @ = count(); }', cmd: bt, args: ['-e', 'kfunc:vfs_read { @ = count(); }'] });
    tracers.push({ name: 'bpftrace kprobe:vfs_read { @ = count(); }', cmd: bt, args: ['-e', 'kprobe:vfs_read { @ = count(); }'] });
  }
  const res = await addedPerRead(tracers, Number(process.env.DTSH_BENCH_REPS ?? 3), Number(process.env.DTSH_BENCH_READS ?? 200000));
  for (const [name, r] of res) add(rows, [`added ns per read(2), ${name} (untraced ${r.base.toFixed(0)} ns)`, `${r.added.toFixed(0)} ns`]);
  return rows;
}

/** Runs this file in the VM (unless already there): on Debian's 6.1, then the mass rows on its 6.12. */
export function fbtRowsInVm(): [string, string][] {
  if (process.env.VMLANE_GUEST === '1') throw new Error('call fbtRows() in the guest');
  if (!existsSync(VM)) return [['fbt (in the VM)', `skipped: ${VM} is missing`]];
  const inVm = (extra: string[], mode: string): [string, string][] => {
    const r = spawnSync(VM, ['-t', '1500', ...extra, '-e', `DTSH_BENCH_FBT=${mode}`, '--', process.execPath, 'dist/bench/fbt.js'],
      { encoding: 'utf8', maxBuffer: 1 << 24 });
    const rows = r.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t') as [string, string]);
    if (r.status !== 0) add(rows, [`fbt (in the VM, ${mode})`, `failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`]);
    return rows;
  };
  const rows = inVm([], 'all');
  const k = spawnSync('bash', ['test/vm/kernel-6.12.sh', resolve(VM, '..')], { encoding: 'utf8' });
  if (k.status !== 0) return [...rows, ['fbt on 6.12 (in the VM)', `skipped: no kernel: ${k.stderr.trim()}`]];
  const [kernel, initrd] = k.stdout.trim().split(' ');
  return [...rows, ...inVm(['--kernel', kernel, '--initrd', initrd], 'mass')];
}

if (process.argv[1] && resolve(process.argv[1]) === resolve('dist/bench/fbt.js')) {
  printing = true;
  (process.env.DTSH_BENCH_FBT === 'mass' ? massRows() : fbtRows()).then(() => {}, (e) => {
    console.error(e);
    process.exit(1);
  });
}
