// The profile provider: profile-N/tick-N names and rates, DTrace's default set, probes created on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfileName, profileCreator, profileProvider } from '../../../kmod/probes/providers/profile.js';
import { dtraceProvider } from '../../../kmod/probes/providers/dtrace.js';
import { procProvider, schedProvider } from '../../../kmod/probes/providers/proc.js';
import { ProbeTable } from '../../../kmod/probes/table.js';
import { parseDescription } from '../../../kmod/probes/describe.js';
import { parseCpuList } from '../../../kmod/probes/attach-providers.js';
import { profileContext, uprobeContext } from '../../../kmod/codegen/context-providers.js';
import { ProgType } from '../../../kmod/sys/bpf.js';

test('profile-N and tick-N: N in hertz, or a time with a unit suffix (case-insensitive)', () => {
  const cases: [string, { tick: boolean; periodNs: bigint } | undefined][] = [
    ['profile-997', { tick: false, periodNs: 1_003_009n }], // 1e9 / 997, rounded down as DTrace does
    ['profile-97', { tick: false, periodNs: 10_309_278n }],
    ['tick-1', { tick: true, periodNs: 1_000_000_000n }],
    ['tick-10hz', { tick: true, periodNs: 100_000_000n }],
    ['tick-3Hz', { tick: true, periodNs: 333_333_333n }],
    ['tick-5000', { tick: true, periodNs: 200_000n }],
    ['profile-200000ns', { tick: false, periodNs: 200_000n }],
    ['profile-200000nsec', { tick: false, periodNs: 200_000n }],
    ['profile-500us', { tick: false, periodNs: 500_000n }],
    ['profile-500usec', { tick: false, periodNs: 500_000n }],
    ['profile-1ms', { tick: false, periodNs: 1_000_000n }],
    ['tick-1MSEC', { tick: true, periodNs: 1_000_000n }],
    ['tick-1s', { tick: true, periodNs: 1_000_000_000n }],
    ['tick-2sec', { tick: true, periodNs: 2_000_000_000n }],
    ['tick-1m', { tick: true, periodNs: 60_000_000_000n }],
    ['tick-1min', { tick: true, periodNs: 60_000_000_000n }],
    ['tick-2h', { tick: true, periodNs: 7_200_000_000_000n }],
    ['tick-1hour', { tick: true, periodNs: 3_600_000_000_000n }],
    ['tick-1d', { tick: true, periodNs: 86_400_000_000_000n }],
    ['tick-1day', { tick: true, periodNs: 86_400_000_000_000n }],
    // refused: faster than 200 µs (5000 Hz), zero, unknown suffixes, not N then suffix
    ['profile-5001', undefined],
    ['profile-199us', undefined],
    ['profile-1ns', undefined],
    ['tick-0', undefined],
    ['tick-0s', undefined],
    ['tick-1x', undefined],
    ['tick-1secs', undefined],
    ['tick-1s2', undefined],
    ['tick-s', undefined],
    ['tick-', undefined],
    ['tick--1', undefined],
    ['Tick-1', undefined],
    ['profile', undefined],
    ['BEGIN', undefined],
  ];
  for (const [name, want] of cases) assert.deepEqual(parseProfileName(name), want, name);
});

test("the listed profile probes are DTrace's default set, in its order, with empty module and function", () => {
  const probes = profileProvider.list(100);
  assert.deepEqual(probes.map((p) => [p.id, p.name]), [
    [100, 'profile-97'], [101, 'profile-199'], [102, 'profile-499'], [103, 'profile-997'], [104, 'profile-1999'],
    [105, 'profile-4001'], [106, 'profile-4999'],
    [107, 'tick-1'], [108, 'tick-10'], [109, 'tick-100'], [110, 'tick-500'], [111, 'tick-1000'], [112, 'tick-5000'],
  ]);
  assert.ok(probes.every((p) => p.provider === 'profile' && p.module === '' && p.func === ''));
  assert.deepEqual(probes[3].attach, { kind: 'profile', tick: false, periodNs: 1_003_009n });
  assert.deepEqual(probes[7].attach, { kind: 'profile', tick: true, periodNs: 1_000_000_000n });
});

test('profileCreator: a literal name, from any description that can mean the profile provider', () => {
  const made = (d: string) => profileCreator.provide(parseDescription(d)).probes.map((p) => p.name);
  assert.deepEqual(made('tick-1s'), ['tick-1s']);
  assert.deepEqual(made(':::tick-1s'), ['tick-1s']);
  assert.deepEqual(made('profile:::profile-1ms'), ['profile-1ms']);
  assert.deepEqual(made('prof*:::tick-1s'), ['tick-1s']);
  assert.deepEqual(made('*:*:*:tick-1s'), ['tick-1s']);
  assert.deepEqual(made('syscall:::tick-1s'), []);
  assert.deepEqual(made('profile:vmlinux::tick-1s'), []);
  assert.deepEqual(made('profile::f:tick-1s'), []);
  assert.deepEqual(made('tick-*'), []);
  assert.deepEqual(made('tick-100us'), []);
});

test('the table creates profile probes on demand with fresh IDs after the static providers, once each', () => {
  const t = new ProbeTable([dtraceProvider, profileProvider]);
  assert.equal(t.count(), 16);
  assert.deepEqual(t.match('tick-1').map((p) => p.id), [11], 'a listed probe is not created again');
  const tick = t.match('tick-1s');
  assert.deepEqual(tick.map((p) => [p.id, p.provider, p.module, p.func, p.name]), [[17, 'profile', '', '', 'tick-1s']]);
  assert.deepEqual(tick[0].attach, { kind: 'profile', tick: true, periodNs: 1_000_000_000n });
  assert.equal(t.match('profile:::tick-1s')[0], tick[0], 'the same probe when named again');
  assert.equal(t.match('profile-1ms')[0].id, 18);
  assert.equal(t.match('tick-1000hz')[0].id, 19, 'another name for the rate of tick-1000 is another probe, as in DTrace');
  assert.deepEqual(t.match('tick-1*').map((p) => p.name), ['tick-1', 'tick-10', 'tick-100', 'tick-1000', 'tick-1s', 'tick-1000hz']);
  assert.deepEqual(t.match('tick-100us'), []);
  assert.deepEqual(t.match('sdt:::tick-2s'), []);
  assert.equal(t.byId(18)?.name, 'profile-1ms');
  assert.equal(t.count(), 19);
  assert.ok(t.all().every((p, i) => p.id === i + 1), 'IDs stay dense');
  assert.deepEqual(t.ofProvider('profile').map((p) => p.id).slice(-3), [17, 18, 19]);
});

test('proc and sched list DTrace names on their tracepoints', () => {
  const proc = procProvider.list(1);
  const sched = schedProvider.list(1);
  // The raw-tracepoint probe is always listed; the others when tracefs has their events.
  assert.deepEqual(sched.find((p) => p.name === 'on-cpu')?.attach,
    { kind: 'translated', provider: 'sched', name: 'on-cpu', group: '', event: 'sched_exit_tp', raw: true });
  for (const p of [...proc, ...sched]) assert.equal(p.module, 'vmlinux');
  assert.ok(proc.every((p) => ['create', 'exec', 'exec-success', 'exit'].includes(p.name)));
});

test('CPU lists from sysfs', () => {
  assert.deepEqual(parseCpuList('0-3,6\n'), [0, 1, 2, 3, 6]);
  assert.deepEqual(parseCpuList('0'), [0]);
  assert.deepEqual(parseCpuList('1,3-4'), [1, 3, 4]);
});

test('program types: perf-event for profile, kprobe for uprobes', () => {
  assert.equal(profileContext('x64').progType, ProgType.PERF_EVENT);
  assert.equal(uprobeContext({ ret: false, pid: 1 }, undefined, 'x64').progType, ProgType.KPROBE);
  assert.equal(uprobeContext({ ret: false, pid: 1 }, undefined, 'x64').argTypes.length, 6);
  assert.equal(uprobeContext({ ret: true, pid: 1 }, undefined, 'arm64').argTypes.length, 2);
  assert.throws(() => profileContext('ia32'), /registers of ia32/);
});
