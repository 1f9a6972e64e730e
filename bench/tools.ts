// Benchmark plumbing: building the load program, finding bpftrace, timing commands, statistics.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DTRACE = resolve('dist/shell/bin/dtrace.js');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export function buildLoop(): string {
  const dir = join(tmpdir(), 'dtsh-bench');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'loop');
  execFileSync('gcc', ['-O2', '-o', out, resolve('bench/loop.c')]);
  return out;
}

/** ns per getppid from one run of the loop, pinned to `cpu` when given. */
export function loopNs(loop: string, n: number, cpu?: number): number {
  const args = cpu === undefined ? [loop, String(n)] : ['-c', String(cpu), loop, String(n)];
  const out = execFileSync(cpu === undefined ? args[0] : 'taskset', cpu === undefined ? args.slice(1) : args, { encoding: 'utf8' });
  return Number(out.trim());
}

/** bpftrace's path, installing Debian's package when it is missing (undefined if that fails). */
export function bpftrace(): string | undefined {
  for (const p of ['/usr/bin/bpftrace', '/usr/sbin/bpftrace', '/usr/local/bin/bpftrace']) if (existsSync(p)) return p;
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'bpftrace'], { stdio: 'ignore' });
  if (r.status === 0 && existsSync('/usr/bin/bpftrace')) return '/usr/bin/bpftrace';
  return undefined;
}

/** Number of perf-event fds a process holds (a tracer holding one is attached). */
export function perfFds(pid: number): number {
  let n = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).includes('perf_event')) n++;
      } catch {
        /* gone */
      }
    }
  } catch {
    /* gone */
  }
  return n;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Starts a tracer and waits until it holds a perf event (attached). */
export async function startTracer(cmd: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const end = Date.now() + 20000;
  while (perfFds(child.pid!) === 0) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`${cmd} did not attach`);
    await sleep(10);
  }
  await sleep(200);
  return child;
}

export async function stopTracer(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.on('exit', r));
  child.kill('SIGINT');
  await done;
}

/** Wall milliseconds of a command, from spawn to exit. */
export function wallMs(cmd: string, args: string[]): number {
  const t = process.hrtime.bigint();
  spawnSync(cmd, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e6;
}
