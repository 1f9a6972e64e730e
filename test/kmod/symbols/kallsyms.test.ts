// Kernel symbols: kallsyms parsing and lookups on fixtures (modules, aliases, markers, hidden addresses) and on /proc/kallsyms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clearKallsymsCache, formatKernelAddr, formatKernelModule, kernelSymbolAddress, loadKallsyms, lookupKernel, parseKallsyms,
  preloadKallsyms,
} from '../../../kmod/symbols/kallsyms.js';
import { formatAddress } from '../../../kmod/symbols/format.js';

// Module symbols out of order (as after loading modules in another order than their addresses).
const FIXTURE = [
  'ffffffff81000000 T _stext',
  'ffffffff81000000 T _text',
  'ffffffff81000100 t __pfx_foo',
  'ffffffff81000110 T foo',
  'ffffffff81000200 t local_alias',
  'ffffffff81000200 W weak_alias',
  'ffffffff81000300 T _etext',
  'ffffffff82000000 D some_data',
  'ffffffffc0002000 t mod2_fn\t[mod2]',
  'ffffffffc0001000 T mod1_fn\t[mod1]',
  'ffffffffc0001080 t __mod1_static_alias\t[mod1]',
  'ffffffffc0001080 t mod1_static\t[mod1]',
  'ffffffffc0001100 T foo\t[mod1]',
  'garbage line',
  '',
].join('\n');

test('fixture: lookups format as module`name+0xoff', () => {
  const k = parseKallsyms(FIXTURE);
  assert.equal(k.readable, true);
  assert.equal(k.count, 13);
  for (let i = 1; i < k.count; i++) assert.ok(k.addressAt(i - 1) <= k.addressAt(i), 'sorted by address');
  const f = (a: bigint, off = true) => k.format(a, off);
  assert.equal(f(0xffffffff81000110n), 'vmlinux`foo');
  assert.equal(f(0xffffffff8100012cn), 'vmlinux`foo+0x1c');
  assert.equal(f(0xffffffff8100012cn, false), 'vmlinux`foo');
  assert.equal(f(0xffffffff81000105n), 'vmlinux`__pfx_foo+0x5');
  assert.equal(f(0xffffffff81000000n), 'vmlinux`_stext', 'equal rank: first listed');
  assert.equal(f(0xffffffff81000208n), 'vmlinux`weak_alias+0x8', 'W over t');
  assert.equal(f(0xffffffff81000310n), 'vmlinux`0xffffffff81000310', '_etext ends text: module only');
  assert.equal(f(0xffffffff82000010n), 'vmlinux`0xffffffff82000010', 'data: module only');
  assert.equal(f(0xffffffffc0001010n), 'mod1`mod1_fn+0x10');
  assert.equal(f(0xffffffffc0001085n), 'mod1`mod1_static+0x5', 'fewer leading underscores');
  assert.equal(f(0xffffffffc0002010n), 'mod2`mod2_fn+0x10', 'last symbol of a module');
  assert.equal(f(0xffffffffc0012000n), '0xffffffffc0012000', 'too far past the last symbol');
  assert.equal(f(0x1000n), '0x1000', 'below every symbol');
  assert.equal(f(0n), '0x0');
  assert.equal(k.formatModule(0xffffffffc0001010n), 'mod1');
  assert.equal(k.formatModule(0xffffffff8100012cn), 'vmlinux');
  assert.equal(k.formatModule(0x1000n), '0x1000');
  assert.deepEqual(k.lookup(0xffffffff8100012cn), { module: 'vmlinux', name: 'foo', value: 0xffffffff81000110n, offset: 0x1c });
  assert.equal(k.lookup(0xffffffff82000010n), undefined);
});

test('fixture: a short unsorted tail (modules, BPF programs) merges into the sorted prefix', () => {
  const lines: string[] = [];
  for (let i = 0; i < 100; i++) lines.push(`${(0xffffffff81000000n + BigInt(i) * 0x100n).toString(16)} T f${i}`);
  lines.push('ffffffffc0000000 t bpf_prog_a\t[bpf]');
  lines.push('ffffffff81000180 t between\t[bpf]');
  lines.push('ffffffff81000200 t same_as_f2\t[bpf]');
  lines.push('ffffffff80000000 t lowest\t[bpf]');
  const k = parseKallsyms(lines.join('\n'));
  assert.equal(k.count, 104);
  for (let i = 1; i < k.count; i++) assert.ok(k.addressAt(i - 1) <= k.addressAt(i), 'sorted');
  assert.equal(k.nameAt(0), 'lowest');
  assert.equal(k.format(0xffffffff81000184n), 'bpf`between+0x4');
  assert.equal(k.format(0xffffffff81000204n), 'vmlinux`f2+0x4', 'equal address: the earlier listed wins');
  assert.equal(k.format(0xffffffffc0000010n), 'bpf`bpf_prog_a+0x10');
  assert.equal(k.format(0xffffffff81006310n), 'vmlinux`f99+0x10');
});

test('fixture: addresses by name', () => {
  const k = parseKallsyms(FIXTURE);
  assert.equal(k.address('foo'), 0xffffffff81000110n);
  assert.equal(k.address('foo', 'mod1'), 0xffffffffc0001100n);
  assert.equal(k.address('foo', 'kernel'), 0xffffffff81000110n);
  assert.equal(k.address('mod1_fn', 'vmlinux'), undefined);
  assert.equal(k.address('mod2_fn'), 0xffffffffc0002000n);
  assert.equal(k.address('some_data'), 0xffffffff82000000n);
  assert.equal(k.address('nope'), undefined);
  assert.deepEqual(k.symbolsNamed('foo').map((s) => s.module), ['vmlinux', 'mod1']);
});

test('fixture: all-zero addresses (kptr_restrict) make everything raw hex', () => {
  const k = parseKallsyms(FIXTURE.replace(/^[0-9a-f]{16}/gm, '0000000000000000'));
  assert.equal(k.readable, false);
  assert.equal(k.format(0xffffffff81000110n), '0xffffffff81000110');
  assert.equal(k.format(0xffffffff81000110n, false), '0xffffffff81000110');
  assert.equal(k.formatModule(0xffffffff81000110n), '0xffffffff81000110');
  assert.equal(k.lookup(0xffffffff81000110n), undefined);
  assert.equal(k.address('foo'), undefined);
});

test('loadKallsyms and preloadKallsyms cache per path; a missing file reads as unreadable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-kallsyms-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    clearKallsymsCache();
  });
  const path = join(dir, 'kallsyms');
  writeFileSync(path, FIXTURE);
  const a = loadKallsyms(path);
  assert.equal(loadKallsyms(path), a);
  assert.equal(a.format(0xffffffffc0001010n), 'mod1`mod1_fn+0x10');
  clearKallsymsCache();
  const b = await preloadKallsyms(path);
  assert.equal(loadKallsyms(path), b, 'preloaded table is cached');
  assert.equal(b.format(0xffffffffc0001010n), 'mod1`mod1_fn+0x10');
  const missing = loadKallsyms(join(dir, 'nope'));
  assert.equal(missing.readable, false);
  assert.equal(missing.format(0xffffffff81000110n), '0xffffffff81000110');
});

test('formatAddress follows dtrace_addr2str()', () => {
  assert.equal(formatAddress(0x10n, undefined, true), '0x10');
  assert.equal(formatAddress(0x10n, { module: 'm' }, true), 'm`0x10');
  assert.equal(formatAddress(0x10n, { module: 'm', name: 'f', value: 0x10n }, true), 'm`f');
  assert.equal(formatAddress(0x1an, { module: 'm', name: 'f', value: 0x10n }, true), 'm`f+0xa');
  assert.equal(formatAddress(0x1an, { module: 'm', name: 'f', value: 0x10n }, false), 'm`f');
});

function realKallsyms(): string | undefined {
  try {
    const text = readFileSync('/proc/kallsyms', 'latin1');
    return /^0*[1-9a-f]/m.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
const real = realKallsyms();
const skipReal = real ? undefined : '/proc/kallsyms is unreadable or its addresses are hidden (kptr_restrict; needs root)';

test('/proc/kallsyms: vfs_read', { skip: skipReal }, (t) => {
  t.after(clearKallsymsCache);
  clearKallsymsCache();
  const m = /^([0-9a-f]+) [Tt] vfs_read$/m.exec(real!);
  assert.ok(m, 'vfs_read is in kallsyms');
  const addr = BigInt('0x' + m[1]);
  assert.equal(kernelSymbolAddress('vfs_read'), addr);
  assert.equal(formatKernelAddr(addr), 'vmlinux`vfs_read');
  assert.equal(formatKernelAddr(addr + 0x10n), 'vmlinux`vfs_read+0x10');
  assert.equal(formatKernelAddr(addr + 0x10n, false), 'vmlinux`vfs_read');
  assert.equal(formatKernelModule(addr + 0x10n), 'vmlinux');
  assert.deepEqual(lookupKernel(addr + 0x10n), { module: 'vmlinux', name: 'vfs_read', value: addr, offset: 0x10 });
  assert.ok(loadKallsyms().count > 1000);
});

test('/proc/kallsyms: module symbols carry their module name', { skip: skipReal }, (t) => {
  t.after(clearKallsymsCache);
  const lines = real!.split('\n');
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l.slice(0, l.indexOf(' ')), (counts.get(l.slice(0, l.indexOf(' '))) ?? 0) + 1);
  const line = lines.find((l) => /^[0-9a-f]+ [tT] \S+\t\[\S+\]$/.test(l) && counts.get(l.slice(0, l.indexOf(' '))) === 1);
  if (!line) {
    t.skip('no module text symbols loaded');
    return;
  }
  const [, addr, name, mod] = /^([0-9a-f]+) [tT] (\S+)\t\[(\S+)\]$/.exec(line)!;
  assert.equal(formatKernelAddr(BigInt('0x' + addr) + 1n), `${mod}\`${name}+0x1`);
});
