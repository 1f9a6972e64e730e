// Added cost per getppid(2) of a tracing program, dtsh next to bpftrace, measured in the same run.
import { buildLoop, loopNs, median, startTracer, stopTracer, DTRACE } from './tools.js';
import { nsPerRun } from './prog-time.js';

export interface Tracer {
  name: string;
  cmd: string;
  args: string[];
}

/**
 * The method of ../shared/notes/perf-anchors.md: per repetition, 3 untraced runs, attach, 3 traced
 * runs, detach, 3 untraced; added = median(traced) - mean(untraced medians). Median over reps.
 */
export async function addedCost(tracers: Tracer[], reps = 5, n = 1_000_000): Promise<Map<string, { added: number; base: number; prog: number }>> {
  const loop = buildLoop();
  const out = new Map<string, number[]>();
  const progs = new Map<string, number[]>();
  const bases: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const t of tracers) {
      const before = median([0, 1, 2].map(() => loopNs(loop, n)));
      const child = await startTracer(t.cmd, t.args);
      const traced = median([0, 1, 2].map(() => loopNs(loop, n)));
      const prog = nsPerRun(child.pid!, () => loopNs(loop, n / 4));
      if (!progs.has(t.name)) progs.set(t.name, []);
      progs.get(t.name)!.push(prog);
      await stopTracer(child);
      const after = median([0, 1, 2].map(() => loopNs(loop, n)));
      const base = (before + after) / 2;
      bases.push(base);
      if (!out.has(t.name)) out.set(t.name, []);
      out.get(t.name)!.push(traced - base);
    }
  }
  const res = new Map<string, { added: number; base: number; prog: number }>();
  for (const [name, xs] of out) res.set(name, { added: median(xs), base: median(bases), prog: median(progs.get(name)!) });
  return res;
}

export const dtshTracer = (script: string): Tracer => ({ name: `dtsh: ${script}`, cmd: process.execPath, args: [DTRACE, '-q', '-n', script] });
export const bpftraceTracer = (bin: string, script: string): Tracer => ({ name: `bpftrace: ${script}`, cmd: bin, args: ['-e', script] });
