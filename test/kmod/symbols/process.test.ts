// User symbols: maps parsing, module selection, a live gcc-built process (ustack text, pid-provider sites) and node's own libc.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname } from 'node:path';
import { parseMaps } from '../../../kmod/symbols/maps.js';
import { selectObjects } from '../../../kmod/symbols/object-match.js';
import {
  forgetProcess, formatUserAddr, formatUserModule, listUserFunctions, processSymbols, resolveUserFunction, userSymbolize,
} from '../../../kmod/symbols/process.js';
import { elfFromBuffer } from '../../../kmod/symbols/elf.js';
import { buildTestProgram, objdumpFileOffset, readelfLoads, readelfSymbols, toolchainSkipReason } from './tools.js';

test('parseMaps', () => {
  const maps = parseMaps([
    '55d0c0a00000-55d0c0a01000 r--p 00000000 fe:00 1234                       /usr/bin/prog',
    '55d0c0a01000-55d0c0a02000 r-xp 00001000 fe:00 1234                       /usr/bin/prog',
    '7f0000000000-7f0000021000 rw-p 00000000 00:00 0 ',
    '7f1000000000-7f1000001000 r-xp 00002000 08:01 99                         /tmp/gone.so (deleted)',
    '7ffc1000000-7ffc1002000 r-xp 00000000 00:00 0                           [vdso]',
    'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
  ].join('\n'));
  assert.equal(maps.length, 6);
  assert.deepEqual(maps[1], {
    start: 0x55d0c0a01000n, end: 0x55d0c0a02000n, perms: 'r-xp', offset: 0x1000, dev: 'fe:00', inode: 1234,
    path: '/usr/bin/prog', deleted: false,
  });
  assert.equal(maps[2]!.path, '');
  assert.equal(maps[3]!.path, '/tmp/gone.so');
  assert.equal(maps[3]!.deleted, true);
  assert.equal(maps[4]!.path, '[vdso]');
  assert.equal(maps[5]!.start, 0xffffffffff600000n);
});

test('selectObjects: a.out, exact, partial names and globs', () => {
  const objs = [
    { path: '/usr/bin/prog', name: 'prog', exec: true },
    { path: '/lib/libcrypt.so.1', name: 'libcrypt.so.1', exec: false },
    { path: '/lib/libc.so.6', name: 'libc.so.6', exec: false },
    { path: '/lib/ld-linux-x86-64.so.2', name: 'ld-linux-x86-64.so.2', exec: false },
  ];
  const names = (m: string) => selectObjects(objs, m).map((o) => o.name);
  assert.deepEqual(names('a.out'), ['prog']);
  assert.deepEqual(names('prog'), ['prog']);
  assert.deepEqual(names('libc'), ['libc.so.6']);
  assert.deepEqual(names('libc.so'), ['libc.so.6']);
  assert.deepEqual(names('libc.so.6'), ['libc.so.6']);
  assert.deepEqual(names('/lib/libc.so.6'), ['libc.so.6']);
  assert.deepEqual(names('libc*'), ['libcrypt.so.1', 'libc.so.6']);
  assert.deepEqual(names('ld-linux*'), ['ld-linux-x86-64.so.2']);
  assert.deepEqual(names(''), objs.map((o) => o.name));
  assert.deepEqual(names('*'), objs.map((o) => o.name));
  assert.deepEqual(names('libz'), []);
});

const skip = toolchainSkipReason();
let exe = '';
let child: ChildProcess | undefined;
let addrs: { target: bigint; getpid: bigint; local: bigint; heap: bigint } | undefined;

before(async () => {
  if (skip) return;
  exe = buildTestProgram('dtsh-symtest', []);
  child = spawn(exe, ['wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child!.on('error', reject);
    child!.on('exit', (code) => reject(new Error(`test program exited (${code})`)));
  });
  const [target, getpid, local, heap] = line.trim().split(' ').map((s) => BigInt(s));
  addrs = { target: target!, getpid: getpid!, local: local!, heap: heap! };
});
after(() => {
  child?.removeAllListeners('exit');
  child?.kill('SIGKILL');
  if (exe) rmSync(dirname(exe), { recursive: true, force: true });
  forgetProcess();
});

const name = 'dtsh-symtest';

test('live process: frames format as object`function+0x..', { skip }, () => {
  const pid = child!.pid!;
  const a = addrs!;
  assert.equal(formatUserAddr(pid, a.target), `${name}\`dtsh_target_fn`);
  assert.equal(formatUserAddr(pid, a.target + 4n), `${name}\`dtsh_target_fn+0x4`);
  assert.equal(formatUserAddr(pid, a.target + 4n, false), `${name}\`dtsh_target_fn`);
  assert.equal(formatUserAddr(pid, a.local + 1n), `${name}\`dtsh_local_fn+0x1`);
  assert.equal(formatUserAddr(pid, a.getpid), 'libc.so.6`getpid');
  assert.equal(formatUserAddr(pid, a.getpid + 2n), 'libc.so.6`getpid+0x2');
  assert.equal(formatUserModule(pid, a.getpid), 'libc.so.6');
  assert.equal(formatUserAddr(pid, a.heap), '0x' + a.heap.toString(16), 'heap: raw hex');
  assert.equal(formatUserModule(pid, a.heap), '0x' + a.heap.toString(16));
  assert.equal(formatUserAddr(pid, 0x10n), '0x10');
  const sym = userSymbolize(pid, a.target + 4n)!;
  assert.equal(sym.path, exe);
  assert.equal(sym.value, a.target);
  assert.equal(sym.offset, 4);
});

test('live process: pid-provider sites', { skip }, () => {
  const pid = child!.pid!;
  const [fn] = readelfSymbols(exe, 'dtsh_target_fn');
  const want = { object: name, path: exe, offset: objdumpFileOffset(exe, fn!.value)!, name: 'dtsh_target_fn', value: fn!.value, size: fn!.size };
  assert.deepEqual(resolveUserFunction(pid, 'a.out', 'dtsh_target_fn'), [want]);
  assert.deepEqual(resolveUserFunction(pid, name, 'dtsh_target_fn'), [want]);
  assert.deepEqual(resolveUserFunction(pid, 'a.out', '__dtsh_target_alias'), [want], 'an exact alias is named by its preferred alias');
  assert.deepEqual(resolveUserFunction(pid, '', 'dtsh_*'), [
    want,
    { ...want, name: 'dtsh_local_fn', ...(() => {
      const [l] = readelfSymbols(exe, 'dtsh_local_fn');
      return { value: l!.value, size: l!.size, offset: objdumpFileOffset(exe, l!.value)! };
    })() },
  ]);
  assert.deepEqual(resolveUserFunction(pid, 'a.out', '__dtsh*').map((s) => s.name), ['__dtsh_target_alias'], 'glob: the matching alias');
  assert.deepEqual(resolveUserFunction(pid, 'a.out', 'nope'), []);
  assert.deepEqual(resolveUserFunction(pid, 'libz', 'malloc'), []);

  const libc = resolveUserFunction(pid, 'libc', 'getpid');
  assert.equal(libc.length, 1);
  assert.equal(libc[0]!.object, 'libc.so.6');
  const [g] = readelfSymbols(libc[0]!.path, 'getpid');
  const seg = readelfLoads(libc[0]!.path).find((s) => g!.value >= s.vaddr && g!.value < s.vaddr + s.filesz)!;
  assert.equal(libc[0]!.offset, g!.value - seg.vaddr + seg.offset);

  const mall = resolveUserFunction(pid, 'libc.so.6', 'mall*').map((s) => s.name);
  assert.ok(mall.includes('malloc'));
  assert.ok(!mall.includes('__libc_malloc'));
  assert.ok(mall.every((n) => n.startsWith('mall')));
  assert.deepEqual(resolveUserFunction(pid, 'lib*', 'getpid').map((s) => s.object), ['libc.so.6']);
});

test('live process: listUserFunctions', { skip }, () => {
  const all = listUserFunctions(child!.pid!);
  const key = (s: { path: string; offset: number }) => `${s.path}:${s.offset}`;
  assert.equal(new Set(all.map(key)).size, all.length, 'one site per address');
  assert.ok(all.some((s) => s.object === name && s.name === 'dtsh_target_fn'));
  assert.ok(all.some((s) => s.object === name && s.name === 'main'));
  assert.ok(all.some((s) => s.object === 'libc.so.6' && s.name === 'malloc'));
  assert.ok(!all.some((s) => s.name === '__dtsh_target_alias'));
});

test('a file path target: its functions, a.out naming the file', { skip }, () => {
  const sites = resolveUserFunction(exe, 'a.out', 'dtsh_target_fn');
  assert.equal(sites.length, 1);
  assert.equal(sites[0]!.object, basename(exe));
  assert.equal(sites[0]!.offset, objdumpFileOffset(exe, sites[0]!.value));
  assert.deepEqual(resolveUserFunction(exe, 'libc', 'malloc'), []);
});

test("node's own libc: getpid via /proc/self/maps and readelf", () => {
  const maps = parseMaps(readFileSync('/proc/self/maps', 'utf8'));
  const text = maps.find((m) => /\/libc\.so\.6$/.test(m.path) && m.perms.includes('x'));
  if (!text) return; // not glibc
  const getpid = readelfSymbols(text.path, 'getpid')[0];
  if (!getpid) return;
  // The PT_LOAD mapped at this mapping's file offset gives the load bias.
  const seg = readelfLoads(text.path).find((s) => s.offset - (s.offset % 4096) === text.offset)!;
  const addr = text.start + BigInt(getpid.value - seg.vaddr + seg.offset - text.offset);
  assert.equal(formatUserAddr(process.pid, addr), 'libc.so.6`getpid');
  assert.equal(formatUserAddr(process.pid, addr + 3n), 'libc.so.6`getpid+0x3');
});

test("node's vDSO symbolizes from memory", () => {
  const vdso = processSymbols(process.pid).mappings().find((m) => m.path === '[vdso]');
  if (!vdso) return;
  const image = Buffer.alloc(Number(vdso.end - vdso.start));
  const fd = openSync('/proc/self/mem', 'r');
  try {
    readSync(fd, image, 0, image.length, vdso.start);
  } finally {
    closeSync(fd);
  }
  const elf = elfFromBuffer(image, 'vdso');
  const fn = elf.functions().find((f) => f.size > 4)!;
  const seg = elf.loadForVaddr(fn.value)!;
  const addr = vdso.start + BigInt(fn.value - seg.vaddr + seg.offset);
  const preferred = elf.symbolize(fn.value)!.name;
  assert.equal(formatUserAddr(process.pid, addr + 4n), `[vdso]\`${preferred}+0x4`);
});

// Last: it kills the test program.
test('a process that exited keeps its last known mappings', { skip }, async () => {
  const pid = child!.pid!;
  processSymbols(pid).mappings();
  child!.removeAllListeners('exit');
  const gone = once(child!, 'exit');
  child!.kill('SIGKILL');
  await gone;
  assert.equal(formatUserAddr(pid, addrs!.getpid), 'libc.so.6`getpid');
  assert.equal(formatUserAddr(pid, addrs!.target + 1n), `${name}\`dtsh_target_fn+0x1`);
});
