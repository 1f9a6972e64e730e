// Measures reading and parsing /proc/kallsyms, cold then warm (run: node dist/test/kmod/symbols/kallsyms-timing.js).
import { readFileSync } from 'node:fs';
import { clearKallsymsCache, loadKallsyms, parseKallsyms, preloadKallsyms } from '../../../kmod/symbols/kallsyms.js';

const ms = (t: number) => (performance.now() - t).toFixed(1);
let t = performance.now();
clearKallsymsCache();
const cold = loadKallsyms();
console.log(`cold read+parse: ${ms(t)} ms (${cold.count} symbols, readable: ${cold.readable})`);
const text = readFileSync('/proc/kallsyms');
for (let i = 0; i < 5; i++) {
  t = performance.now();
  const table = parseKallsyms(text);
  const parse = ms(t);
  t = performance.now();
  clearKallsymsCache();
  loadKallsyms();
  const load = ms(t);
  t = performance.now();
  const a = table.address('vfs_read') ?? 0n;
  const index = ms(t);
  t = performance.now();
  let s = '';
  for (let k = 0; k < 100000; k++) s = table.format(a + BigInt(k & 0xff));
  console.log(`run ${i}: parse ${parse} ms, read+parse ${load} ms, name index ${index} ms, 100k formats ${ms(t)} ms (${s})`);
}
clearKallsymsCache();
t = performance.now();
await preloadKallsyms();
console.log(`async preload: ${ms(t)} ms`);
