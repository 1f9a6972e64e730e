// The shell's figures: start to prompt, .load, Tab completion latency, and Enter-to-attached of a clause.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadDriver } from '../shell/engine/driver.js';
import { LiveSession } from '../shell/engine/live.js';
import { ProbeIndex } from '../completions/probe-index.js';
import { benchCompletion } from '../completions/probe-bench.js';
import { median } from './tools.js';

const DTSH = resolve('dist/shell/bin/dtsh.js');

/** Milliseconds from starting dtsh (line mode) to its exit on `.quit`, and with a `.load` first. */
export function startAndLoad(): { startMs: number; loadMs: number } {
  const time = (input: string) => {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, [DTSH], { input, stdio: ['pipe', 'ignore', 'ignore'] });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const start = median([0, 1, 2, 3, 4].map(() => time('.quit\n')));
  const withLoad = median([0, 1, 2, 3, 4].map(() => time('.load\n.quit\n')));
  return { startMs: start, loadMs: withLoad - start };
}

/** Tab completion over the live probe table: index build and p50/p99 over 1,000 random prefixes. */
export function completion(): { buildMs: number; p50: number; p99: number } {
  const driver = loadDriver();
  const probes = driver.table.all();
  const t = process.hrtime.bigint();
  const index = ProbeIndex.build(probes);
  const buildMs = Number(process.hrtime.bigint() - t) / 1e6;
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const prefixes: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const p = probes[rand(probes.length)];
    const full = `${p.provider}:${p.module}:${p.func}:${p.name}`;
    prefixes.push(full.slice(0, 1 + rand(full.length)));
  }
  const r = benchCompletion(index, prefixes, 1);
  return { buildMs, p50: r.p50, p99: r.p99 };
}

/** Milliseconds from handing a clause to the live session to its probe attached (median of 5). */
export async function enableLatency(): Promise<number> {
  const driver = loadDriver();
  const live = new LiveSession(driver.table, { out: () => {}, err: () => {} });
  live.opts.quiet = true;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    live.enable(`syscall::getppid:entry /pid == ${i}/ { @c${i} = count(); }`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await live.close();
  return median(times);
}
