// Measures reading and parsing /proc/kallsyms (run: node dist/test/kmod/symbols/kallsyms-timing.js).
import { closeSync, openSync, readSync } from 'node:fs';
import { clearKallsymsCache, loadKallsyms, parseKallsyms } from '../../../kmod/symbols/kallsyms.js';

function read(path: string): Buffer {
  const fd = openSync(path, 'r');
  let buf = Buffer.allocUnsafe(8 << 20);
  let n = 0;
  for (let r; (r = readSync(fd, buf, n, buf.length - n, null)) > 0; ) {
    n += r;
    if (n === buf.length) {
      const b = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(b);
      buf = b;
    }
  }
  closeSync(fd);
  return buf.subarray(0, n);
}

const ms = (t: bigint) => (Number(process.hrtime.bigint() - t) / 1e6).toFixed(1);
const text = read('/proc/kallsyms');
for (let i = 0; i < 5; i++) {
  let t = process.hrtime.bigint();
  const table = parseKallsyms(text);
  const parse = ms(t);
  t = process.hrtime.bigint();
  clearKallsymsCache();
  const loaded = loadKallsyms();
  const load = ms(t);
  t = process.hrtime.bigint();
  const a = loaded.address('vfs_read');
  const index = ms(t);
  t = process.hrtime.bigint();
  let s = '';
  for (let k = 0; k < 100000; k++) s = loaded.format((a ?? 0n) + BigInt(k & 0xff));
  const look = ms(t);
  console.log(`run ${i}: ${table.count} symbols, parse ${parse} ms, read+parse ${load} ms, name index ${index} ms, 100k lookups ${look} ms (${s})`);
}
