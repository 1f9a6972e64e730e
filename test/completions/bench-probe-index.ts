// Script (not a test): index build time and completion latency on this machine's probe table.
// Run: node dist/test/completions/bench-probe-index.js [rounds]
import { ProbeTable } from '../../kmod/probes/table.js';
import { ProbeIndex } from '../../completions/probe-index.js';
import { benchCompletion, BENCH_PREFIXES } from '../../completions/probe-bench.js';
import { fixtureTable, liveSkipReason } from './fixture.js';

const ms = (t: number) => Math.round(t * 100) / 100;
const rounds = Number(process.argv[2] ?? 20);
const skip = liveSkipReason();
const table = skip ? fixtureTable() : new ProbeTable();

let t0 = performance.now();
const probes = table.all();
const tableMs = performance.now() - t0;

t0 = performance.now();
const index = ProbeIndex.build(probes);
const firstBuildMs = performance.now() - t0;

// The first call of each prefix on the fresh index: cold code, cold caches, lazily built parts.
let coldMax = 0;
let coldWorst = '';
for (const p of BENCH_PREFIXES) {
  const t = performance.now();
  index.complete(p);
  const d = performance.now() - t;
  if (d > coldMax) [coldMax, coldWorst] = [d, p];
}

const rebuilds: number[] = [];
for (let i = 0; i < 5; i++) {
  t0 = performance.now();
  ProbeIndex.build(probes);
  rebuilds.push(performance.now() - t0);
}
rebuilds.sort((a, b) => a - b);

const bench = benchCompletion(index, BENCH_PREFIXES, rounds);
console.log(JSON.stringify({
  table: skip ? `fixture (${skip})` : 'live',
  probes: probes.length,
  tableMs: ms(tableMs),
  buildMs: { first: ms(firstBuildMs), median: ms(rebuilds[2]) },
  firstCalls: { maxMs: ms(coldMax), prefix: coldWorst },
  completion: { calls: bench.calls, p50: ms(bench.p50), p99: ms(bench.p99), max: ms(bench.max), mean: ms(bench.mean) },
}, null, 2));
