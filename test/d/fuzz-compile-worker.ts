// Runs fuzz cases [start, start + count) of one seed in a worker thread, so that the test's thread can
// watch the time each case takes (shared progress counter) and stop a case that hangs.
import { parentPort, workerData } from 'node:worker_threads';
import { compileCase, makeCaseInfo, makeCompiler, type Failure } from './fuzz-d.js';

export interface WorkerInput {
  seed: number;
  start: number;
  count: number;
  /** [0]: index of the case running now; [1]: 1 when done. */
  progress: SharedArrayBuffer;
}

export interface WorkerOutput {
  failures: Failure[];
  compiled: number[];
  derrors: number;
  broad: number;
  slowest: { index: number; ms: number };
  /** Distinct DError messages with a count, numbers and quoted text folded (a picture of what was hit). */
  messages: Record<string, number>;
}

const input = workerData as WorkerInput;
const progress = new Int32Array(input.progress);
const compiler = makeCompiler();
const result: WorkerOutput = { failures: [], compiled: [], derrors: 0, broad: 0, slowest: { index: -1, ms: 0 }, messages: {} };

for (let index = input.start; index < input.start + input.count; index++) {
  Atomics.store(progress, 0, index);
  const { src, nesting } = makeCaseInfo(input.seed, index);
  const t0 = performance.now();
  try {
    const o = compileCase(compiler, src);
    if (o.kind === 'compiled') result.compiled.push(index);
    else if (o.kind === 'broad') result.broad++;
    else {
      result.derrors++;
      const key = o.message.replace(/"(?:\\.|[^"\\])*"/g, '"…"').replace(/\d+/g, 'N').replace(/\S*[`$@]\S*/g, '…');
      result.messages[key] = (result.messages[key] ?? 0) + 1;
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    result.failures.push({ index, input: src, nesting, type: err.constructor.name, message: err.message, stack: err.stack ?? '' });
  }
  const ms = performance.now() - t0;
  if (ms > result.slowest.ms) result.slowest = { index, ms };
}
Atomics.store(progress, 1, 1);
parentPort!.postMessage(result);
