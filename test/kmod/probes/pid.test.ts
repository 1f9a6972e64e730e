// The pid provider's descriptions: pidNNN, module/function resolution (live, or a -c command before exec),
// DTrace's renaming of `a.out` and exact modules, and probes created in the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { realpathSync, statSync } from 'node:fs';
import {
  commandExecutable, forgetExecTarget, pidCreator, pidOfProvider, plannedObjects, registerExecTarget,
} from '../../../kmod/probes/providers/pid.js';
import { dtraceProvider } from '../../../kmod/probes/providers/dtrace.js';
import { ProbeTable } from '../../../kmod/probes/table.js';
import { parseDescription } from '../../../kmod/probes/describe.js';
import { providerTargetPath } from '../../helpers/provider-target.js';
import { toolchainSkipReason } from '../symbols/tools.js';

test('pidNNN names a process; anything else is not a pid provider', () => {
  assert.equal(pidOfProvider('pid1234'), 1234);
  assert.equal(pidOfProvider('pid1'), 1);
  for (const p of ['pid', 'pid0', 'pid012', 'pid12a', 'pid$target', 'pid*', 'xpid1', 'syscall']) assert.equal(pidOfProvider(p), undefined, p);
});

test('commandExecutable: the first word, through $PATH unless it has a slash', () => {
  const sh = commandExecutable('sh -c "exit 0"', '/nonexistent:/bin:/usr/bin');
  assert.ok(sh && basename(sh) === 'sh', String(sh));
  assert.equal(commandExecutable('/bin/sh -c x'), '/bin/sh');
  assert.equal(commandExecutable("'/bin/sh' -c x"), '/bin/sh');
  assert.equal(commandExecutable('no-such-command-here arg'), undefined);
  assert.equal(commandExecutable('   '), undefined);
});

test('plannedObjects: the executable and the shared objects ld.so will map, by their real paths', () => {
  const objs = plannedObjects('/bin/sh');
  assert.equal(objs[0].exec, true);
  assert.equal(objs[0].path, realpathSync('/bin/sh'));
  assert.ok(objs.some((o) => /^libc\.so/.test(o.name)), JSON.stringify(objs));
  assert.ok(objs.some((o) => /^ld-linux/.test(o.name)), JSON.stringify(objs));
  assert.ok(objs.slice(1).every((o) => !o.exec));
});

test('pidCreator on a live process (this one): exact module renamed to the object found', () => {
  const provider = `pid${process.pid}`;
  const r = pidCreator.provide(parseDescription(`${provider}:libc:malloc:`));
  assert.deepEqual(r.probes.map((p) => [p.provider, p.module, p.func, p.name]), [
    [provider, 'libc.so.6', 'malloc', 'entry'], [provider, 'libc.so.6', 'malloc', 'return'],
  ]);
  const a = r.probes[0].attach;
  assert.ok(a.kind === 'uprobe' && a.pid === process.pid && !a.ret && a.offset > 0 && a.execIno === undefined);
  assert.equal(r.probes[1].attach.kind === 'uprobe' && r.probes[1].attach.ret, true);
  assert.deepEqual(r.description, { provider, module: 'libc.so.6', func: 'malloc', name: '' });
  assert.deepEqual(pidCreator.provide(parseDescription(`${provider}:libc:malloc:return`)).probes.map((p) => p.name), ['return']);
  assert.deepEqual(pidCreator.provide(parseDescription(`${provider}:libc:malloc:4`)).probes, [], 'offset probes are not offered');
  assert.deepEqual(pidCreator.provide(parseDescription(`${provider}:libc:no_such_function_x:entry`)).probes, []);
  assert.deepEqual(pidCreator.provide(parseDescription('pid*:libc:malloc:entry')).probes, [], 'a glob provider creates nothing');
  assert.deepEqual(pidCreator.provide(parseDescription('syscall::read:entry')).probes, []);
  assert.deepEqual(pidCreator.provide(parseDescription('pid999999999:libc:malloc:entry')).probes, [], 'no such process');
});

const skip = toolchainSkipReason();

test('a -c command before exec: a.out is the command, named by its basename, and libc is the one it will load', { skip }, () => {
  const exe = providerTargetPath();
  const fakePid = 999_999_998;
  assert.equal(registerExecTarget(fakePid, `${exe} calls 10`), exe);
  try {
    const provider = `pid${fakePid}`;
    const r = pidCreator.provide(parseDescription(`${provider}:a.out:dtsh_add:entry`));
    assert.deepEqual(r.probes.map((p) => [p.module, p.func, p.name]), [['ptarget', 'dtsh_add', 'entry']]);
    assert.deepEqual(r.description, { provider, module: 'ptarget', func: 'dtsh_add', name: 'entry' });
    const a = r.probes[0].attach;
    assert.ok(a.kind === 'uprobe' && a.path === exe && a.pid === fakePid);
    assert.equal(a.execIno, statSync(exe, { bigint: true }).ino, 'its probes wait for the exec of this file');
    const globbed = pidCreator.provide(parseDescription(`${provider}::dtsh_*:entry`));
    assert.deepEqual(globbed.probes.map((p) => p.func).sort(), ['dtsh_add', 'dtsh_spin']);
    assert.equal(globbed.description, undefined, 'glob fields are matched as written');
    const libc = pidCreator.provide(parseDescription(`${provider}:libc:malloc:entry`));
    assert.deepEqual(libc.probes.map((p) => p.module), ['libc.so.6']);

    // In the table: created after the static providers, matched through the renamed module.
    const t = new ProbeTable([dtraceProvider]);
    const found = t.match(`${provider}:a.out:dtsh_add:`);
    assert.deepEqual(found.map((p) => [p.id, p.provider, p.module, p.func, p.name]), [
      [4, provider, 'ptarget', 'dtsh_add', 'entry'], [5, provider, 'ptarget', 'dtsh_add', 'return'],
    ]);
    assert.deepEqual(t.match(`${provider}:ptarget:dtsh_add:entry`).map((p) => p.id), [4]);
    assert.deepEqual(t.match(`${provider}:a.out::return`).map((p) => p.func).includes('dtsh_add'), true);
    assert.deepEqual(t.match(`pid*:::entry`).map((p) => p.id).slice(0, 1), [4], 'globs see probes created before');
  } finally {
    forgetExecTarget(fakePid);
  }
});
