// fbt and `dtrace -lv` through the built CLI on this machine's kernel: one clear line where fbt cannot
// attach, maxprobes, and DTrace's -lv text (attributes and argument types) for syscall, sdt and fbt probes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtrace } from '../../helpers/run.js';
import { kernelSkipReason, kernelTest } from '../../kernel-gate.js';
import { detectFbtSupport } from '../../../kmod/probes/fbt-support.js';
import { ProbeTable } from '../../../kmod/probes/table.js';
import { formatProbeInfo, probeInfo, fieldTypeText } from '../../../kmod/probes/probe-info.js';
import type { EventField } from '../../../kmod/probes/tracefs-format.js';

function fbtAttachesHere(): string | undefined {
  const k = kernelSkipReason();
  if (k) return k;
  const s = detectFbtSupport();
  return s.fentry || s.kprobes ? 'this kernel attaches fbt probes (the VM suite, npm run test:vm, covers them)' : undefined;
}

test('enabling fbt where the kernel allows none of it: one line saying why; -e still compiles', { skip: fbtAttachesHere() }, () => {
  for (const args of [['-n', 'fbt::vfs_read:entry { @ = count(); }'], ['-q', '-n', 'fbt::vfs_*:', '-n', 'syscall::getppid:entry']]) {
    const r = dtrace(args);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n').filter((l) => !/^dtrace: description .* matched \d+ probes?$/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^dtrace: cannot enable fbt probes: the kernel has no kprobes and refuses fentry \(.+\)$/);
    assert.match(lines[0], /lockdown|kprobes/);
  }
  const e = dtrace(['-e', '-n', 'fbt::vfs_read:entry { @[stringof(args[0]->f_path.dentry->d_name.name)] = count(); }']);
  assert.equal(e.status, 0, e.stderr);
  assert.doesNotMatch(e.stderr, /cannot enable/);
});

test('-x maxprobes refuses bigger enablings with one line; bad values are refused', kernelTest(), () => {
  const r = dtrace(['-x', 'maxprobes=3', '-n', 'syscall::*read*: { @ = count(); }']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dtrace: \d+ probes exceed the maxprobes limit \(3\): narrow the probe description or raise it with -x maxprobes=N\n$/);
  const bad = dtrace(['-x', 'maxprobes=lots', '-n', 'BEGIN { exit(0); }']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'dtrace: failed to set -x maxprobes: Invalid value\n');
  const ok = dtrace(['-q', '-x', 'maxprobes=4', '-n', 'syscall::getppid: { } BEGIN { exit(0); }']);
  assert.equal(ok.status, 0, ok.stderr);
});

const ATTRS_PRIVATE_ISA = [
  '\tProbe Description Attributes', '\t\tIdentifier Names: Private', '\t\tData Semantics:   Private', '\t\tDependency Class: Unknown', '',
  '\tArgument Attributes', '\t\tIdentifier Names: Private', '\t\tData Semantics:   Private', '\t\tDependency Class: ISA', '',
];

function lv(desc: string): { id: number; out: string } {
  const r = dtrace(['-lv', '-n', desc]);
  assert.equal(r.status, 0, r.stderr);
  const id = new ProbeTable().match(desc)[0].id;
  return { id, out: r.stdout };
}

function line(id: number, prov: string, mod: string, func: string, name: string): string {
  return `${String(id).padStart(5)} ${prov.padStart(10)} ${mod.padStart(17)} ${func.padStart(33)} ${name}`;
}

test('dtrace -lv on a syscall probe: the probe line, attributes and typed arguments, as DTrace prints them', kernelTest(), () => {
  const { id, out } = lv('syscall::openat:entry');
  assert.equal(out, [
    '   ID   PROVIDER            MODULE                          FUNCTION NAME',
    line(id, 'syscall', 'vmlinux', 'openat', 'entry'), '', ...ATTRS_PRIVATE_ISA,
    '\tArgument Types', '\t\targs[0]: int', '\t\targs[1]: const char *', '\t\targs[2]: int', '\t\targs[3]: umode_t', '', '',
  ].join('\n'));
  const ret = lv('syscall::openat:return');
  assert.match(ret.out, /\tArgument Types\n\t\targs\[0\]: long\n\t\targs\[1\]: long\n\n$/);
});

test('dtrace -lv on sdt probes: char arrays, __data_loc strings, and a probe without arguments', kernelTest(), () => {
  const { id, out } = lv('sdt:sched::sched_process_exec');
  assert.equal(out, [
    '   ID   PROVIDER            MODULE                          FUNCTION NAME',
    line(id, 'sdt', 'sched', '', 'sched_process_exec'), '',
    '\tProbe Description Attributes', '\t\tIdentifier Names: Private', '\t\tData Semantics:   Private', '\t\tDependency Class: Unknown', '',
    '\tArgument Attributes', '\t\tIdentifier Names: Private', '\t\tData Semantics:   Private', '\t\tDependency Class: ISA', '',
    '\tArgument Types', '\t\targs[0]: string', '\t\targs[1]: pid_t', '\t\targs[2]: pid_t', '', '',
  ].join('\n'));
  assert.match(lv('sdt:sched::sched_switch').out, /\t\targs\[0\]: char \[16\]\n\t\targs\[1\]: pid_t\n/);
  const begin = lv('dtrace:::BEGIN').out;
  assert.match(begin, /\tArgument Attributes\n\t\tIdentifier Names: Stable\n\t\tData Semantics:   Stable\n\t\tDependency Class: Common\n\n\tArgument Types\n\t\tNone\n\n$/);
});

test('dtrace -lv on fbt probes: BTF argument types; on return the offset and the return type', kernelTest(), () => {
  const { out } = lv('fbt::vfs_read:');
  assert.match(out, /vfs_read entry\n\n\tProbe Description Attributes\n/);
  assert.match(out, /\tArgument Types\n\t\targs\[0\]: struct file \*\n\t\targs\[1\]: char \*\n\t\targs\[2\]: size_t\n\t\targs\[3\]: loff_t \*\n\n/);
  assert.match(out, /vfs_read return\n[^]*\tArgument Types\n\t\targs\[0\]: int\n\t\targs\[1\]: ssize_t\n\n$/);
});

test('print_probe_info text and field type spelling', () => {
  const probe = { id: 7, provider: 'sdt', module: 'g', func: '', name: 'e', attach: { kind: 'dtrace', which: 'BEGIN' } } as const;
  assert.equal(formatProbeInfo({ ...probeInfo(probe), args: [] }), [
    '', ...ATTRS_PRIVATE_ISA, '\tArgument Types', '\t\tNone', '', ''].join('\n'));
  assert.equal(formatProbeInfo({ attr: [5, 5, 5], arga: [6, 6, 4], args: ['int', 'char *'] }), [
    '', '\tProbe Description Attributes', '\t\tIdentifier Names: Evolving', '\t\tData Semantics:   Evolving', '\t\tDependency Class: Common', '',
    '\tArgument Attributes', '\t\tIdentifier Names: Stable', '\t\tData Semantics:   Stable', '\t\tDependency Class: ISA', '',
    '\tArgument Types', '\t\targs[0]: int', '\t\targs[1]: char *', '', ''].join('\n'));
  const f = (type: string, dataLoc = false): EventField => ({ name: 'x', type, offset: 8, size: 4, signed: false, common: false, dataLoc });
  assert.equal(fieldTypeText(f('char[16]')), 'char [16]');
  assert.equal(fieldTypeText(f('const char *')), 'const char *');
  assert.equal(fieldTypeText(f('__data_loc char[]', true)), 'string');
  assert.equal(fieldTypeText(f('__data_loc u32[]', true)), 'u32[]');
});
