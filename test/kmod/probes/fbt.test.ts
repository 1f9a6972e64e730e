// fbt without a kernel that attaches it: how probes are chosen and grouped, the parsers behind the probe
// list, the kprobe_multi attribute layout, and the programs of each attachment (loaded into this kernel
// where it takes them: kprobe programs load here even where kprobes cannot attach).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FENTRY_MAX_GROUP, chooseFbtVia, type FbtSupport } from '../../../kmod/probes/fbt-support.js';
import { arrangeProbes, expandGroup, MaxProbesError } from '../../../kmod/codegen/fbt-arrange.js';
import { DENY, denied, ftraceSites, functionAddresses, parseBlacklist, parseFilterFunctions } from '../../../kmod/probes/fbt-functions.js';
import { FBT_TMP_SLOT } from '../../../kmod/codegen/fbt-context.js';
import { Slot } from '../../../kmod/codegen/gen.js';
import { probeContext } from '../../../kmod/codegen/context.js';
import type { Probe } from '../../../kmod/probes/probe.js';
import type { ClauseOnProbe } from '../../../kmod/codegen/program.js';
import type { Clause } from '../../../d/ast.js';
import { parseProgram } from '../../../d/parser.js';
import { compile } from '../../../kmod/codegen/compile.js';
import { ProbeTable } from '../../../kmod/probes/table.js';
import { fbtProvider } from '../../../kmod/probes/providers/fbt.js';
import { dtraceProvider } from '../../../kmod/probes/providers/dtrace.js';
import { Session } from '../../../kmod/session.js';
import { AttachType, ProgType } from '../../../kmod/sys/bpf.js';
import { Helper } from '../../../kmod/asm/helpers.js';
import { loadKernelBtf } from '../../../kmod/btf/kernel.js';
import { kernelSkipReason } from '../../kernel-gate.js';
import type { Item } from '../../../kmod/asm/insn.js';

const NONE: FbtSupport = { fentry: false, kprobes: false, kprobeMulti: false, reason: 'the kernel has no kprobes and refuses fentry (lockdown: integrity)' };
const FENTRY: FbtSupport = { fentry: true, kprobes: false, kprobeMulti: false };
const KPROBES: FbtSupport = { fentry: false, kprobes: true, kprobeMulti: false };
const BOTH: FbtSupport = { fentry: true, kprobes: true, kprobeMulti: false };
const ALL: FbtSupport = { fentry: true, kprobes: true, kprobeMulti: true };

test('the attachment chosen for a group of fbt probes, by size, functions and kernel', () => {
  const cases: [size: number, fentryable: boolean, s: FbtSupport, want: string][] = [
    [1, true, ALL, 'fentry'],
    [1, false, ALL, 'kprobe'], // a module function, an ambiguous name, a struct argument
    [1, true, KPROBES, 'kprobe'],
    [1, false, FENTRY, 'fentry'], // nothing else can attach: fentry, and the kernel's verdict if it refuses
    [FENTRY_MAX_GROUP, true, ALL, 'fentry'],
    [FENTRY_MAX_GROUP + 1, true, ALL, 'multi'],
    [FENTRY_MAX_GROUP + 1, true, BOTH, 'multi'], // one program, one kprobe per function
    [2, false, BOTH, 'multi'],
    [2, true, KPROBES, 'multi'],
    [5000, true, FENTRY, 'fentry'], // no kprobes at all: a program per probe
  ];
  for (const [size, fentryable, s, want] of cases) {
    assert.equal(chooseFbtVia({ size, fentryable }, s), want, `${size} probes, fentryable ${fentryable}, ${JSON.stringify(s)}`);
  }
  assert.throws(() => chooseFbtVia({ size: 1, fentryable: true }, NONE));
});

/** Probes of a fake fbt provider (functions that no BTF has, so nothing is fentryable). */
function fakeProbes(n: number, firstId = 100, module = 'vmlinux'): Probe[] {
  const out: Probe[] = [];
  for (let i = 0; i < n; i++) {
    for (const ret of [false, true]) {
      out.push({ id: firstId + out.length, provider: 'fbt', module, func: `dtsh_fake_${i}`, name: ret ? 'return' : 'entry',
        attach: { kind: 'fbt', module, func: `dtsh_fake_${i}`, ret } });
    }
  }
  return out;
}

const clause = (i: number): Clause => ({ kind: 'clause', probes: [], body: [], pos: { line: 1, col: 1, offset: i } } as unknown as Clause);

/** What compile() hands to arrangeProbes: EPIDs clause by clause, probe by probe. */
function work(clauses: Probe[][]): { probe: Probe; clauses: ClauseOnProbe[] }[] {
  const byProbe = new Map<number, { probe: Probe; clauses: ClauseOnProbe[] }>();
  let epid = 1;
  clauses.forEach((probes, index) => {
    for (const probe of probes) {
      let e = byProbe.get(probe.id);
      if (!e) byProbe.set(probe.id, (e = { probe, clauses: [] }));
      e.clauses.push({ clause: clause(index), index, epid: epid++ });
    }
  });
  return [...byProbe.values()];
}

test('maxprobes refuses bigger enablings; a kernel without fbt still gets programs', () => {
  const probes = fakeProbes(30);
  assert.throws(() => arrangeProbes(work([probes]), { maxprobes: 59, support: ALL }),
    (e: Error) => e instanceof MaxProbesError && e.message === '60 probes exceed the maxprobes limit (59): narrow the probe description or raise it with -x maxprobes=N');
  assert.equal(arrangeProbes(work([probes]), { maxprobes: 60, support: ALL }).length, 2);
  // without -x maxprobes the limit is on probes attached one at a time: kprobe_multi carries any number
  assert.equal(arrangeProbes(work([probes]), { defaultMax: 59, support: ALL }).length, 2);
  assert.throws(() => arrangeProbes(work([probes]), { defaultMax: 59, support: BOTH }),
    (e: Error) => e instanceof MaxProbesError && e.message === '60 probes would attach one at a time (this kernel has no kprobe_multi), more than the maxprobes limit (59): narrow the probe description or raise it with -x maxprobes=N');
  assert.equal(arrangeProbes(work([probes]), { defaultMax: 60, support: BOTH }).length, 2);
  // where nothing attaches, programs are still made (as for kprobes): -e works, enabling says why (fbt-cli.test.ts)
  assert.ok(arrangeProbes(work([probes]), { support: NONE }).every((w) => w.probe.attach.kind === 'fbt' && w.probe.attach.via === 'multi'));
});

test('a big enabling becomes one program per clause set and entry/return, with consecutive EPIDs per clause', () => {
  const probes = fakeProbes(20); // 20 entry + 20 return, interleaved by ID
  const entries = probes.filter((p) => p.name === 'entry');
  // clause 0: every probe; clause 1: the entries only
  const w = work([probes, entries]);
  const out = arrangeProbes(w, { support: BOTH });
  assert.equal(out.length, 2, 'entries (clauses 0 and 1) and returns (clause 0)');
  const [e, r] = out[0].probe.name === 'entry' ? out : [out[1], out[0]];
  assert.deepEqual(e.members!.map((p) => p.id), entries.map((p) => p.id));
  assert.equal(e.probe.attach.kind === 'fbt' && e.probe.attach.via, 'multi');
  assert.equal(e.probe.attach.kind === 'fbt' && e.probe.attach.group?.multiLink, false);
  // every clause keeps its EPIDs as a set, and each group's members are consecutive in member order
  const byClause = (i: number) => w.flatMap((x) => x.clauses.filter((c) => c.index === i).map((c) => c.epid)).sort((a, b) => a - b);
  assert.deepEqual(byClause(0), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.deepEqual(byClause(1), Array.from({ length: 20 }, (_, i) => i + 41));
  const epidOf = (p: Probe, clauseIndex: number) => w.find((x) => x.probe.id === p.id)!.clauses.find((c) => c.index === clauseIndex)!.epid;
  for (const [group, clauses] of [[e, [0, 1]], [r, [0]]] as const) {
    for (const ci of clauses) {
      const base = group.clauses.find((c) => c.index === ci)!.epid;
      group.members!.forEach((m, k) => assert.equal(epidOf(m, ci), base + k));
    }
  }
  // expandGroup: one EnabledProbe per member and clause, probe = the member
  const fake = { epid: e.clauses[0].epid, probe: e.probe, clause: 0, actions: [], recordSize: 0, records: false };
  const plan = { probe: e.probe, items: [], progType: 2, name: 'x', epids: [] as number[] };
  const expanded = expandGroup(e, plan, [fake]);
  assert.equal(expanded.length, 20);
  assert.deepEqual(expanded.map((x) => x.probe.id), entries.map((p) => p.id));
  assert.deepEqual(plan.epids, expanded.map((x) => x.epid));
});

test('small enablings keep a program per probe; kprobe_multi is used where the kernel has it', () => {
  const small = arrangeProbes(work([fakeProbes(2)]), { support: BOTH });
  // two entries + two returns = two groups of two, not fentryable (no BTF for the fakes): one multi program each
  assert.ok(small.every((w) => w.probe.attach.kind === 'fbt' && w.probe.attach.via === 'multi'));
  const one = arrangeProbes(work([fakeProbes(1)]), { support: BOTH });
  assert.deepEqual(one.map((w) => w.probe.attach.kind === 'fbt' && w.probe.attach.via), ['kprobe', 'kprobe']);
  const multi = arrangeProbes(work([fakeProbes(20)]), { support: ALL });
  assert.ok(multi.every((w) => w.probe.attach.kind === 'fbt' && w.probe.attach.group?.multiLink));
  // other providers pass through untouched
  const begin = { id: 1, provider: 'dtrace', module: '', func: '', name: 'BEGIN', attach: { kind: 'dtrace', which: 'BEGIN' } } as Probe;
  assert.equal(arrangeProbes(work([[begin]]), { support: NONE })[0].probe, begin);
});

test('available_filter_functions, the kprobe blacklist and kallsyms are parsed as the kernel writes them', () => {
  const f = parseFilterFunctions('vfs_read\nvfs_write\ncmask_show\ncmask_show\nxfs_iread [xfs]\n__ftrace_invalid_address___64\n');
  assert.deepEqual([...f.keys()], ['vmlinux', 'xfs']);
  assert.equal(f.get('vmlinux')!.get('cmask_show'), 2);
  assert.equal(f.get('xfs')!.get('xfs_iread'), 1);
  assert.deepEqual([...parseBlacklist('0xffffffff81c00990-0xffffffff81c009b0\tasm_exc_divide_error\n')], ['asm_exc_divide_error']);
  for (const n of ['__bpf_prog_enter_recur', 'bpf_ringbuf_output', 'bpf_probe_read_kernel', 'migrate_disable', '__ftrace_invalid_address___64']) {
    assert.ok(denied(n), n);
  }
  for (const n of ['vfs_read', 'bpf_prog_load', 'do_sys_openat2']) assert.ok(!denied(n), n);
  assert.ok(DENY.length > 5);
  const dir = mkdtempSync(join(tmpdir(), 'dtsh-fbt-'));
  const ks = join(dir, 'kallsyms');
  writeFileSync(ks, [
    'ffffffff81000000 T _stext', 'ffffffff81100010 t cmask_show', 'ffffffff81200020 t cmask_show', 'ffffffff81300030 T vfs_read',
    'ffffffffc0001000 t xfs_iread\t[xfs]', 'ffffffff81400000 d cmask_show', '',
  ].join('\n'));
  const wanted = [{ module: 'vmlinux', func: 'cmask_show' }, { module: 'xfs', func: 'xfs_iread' }];
  const got = functionAddresses(wanted, ks, join(dir, 'none'));
  assert.deepEqual(got.get('vmlinux:cmask_show'), [0xffffffff81100010n, 0xffffffff81200020n]);
  assert.deepEqual(got.get('xfs:xfs_iread'), [0xffffffffc0001000n]);
  assert.equal(got.get('vmlinux:vfs_read'), undefined);
  // where ftrace lists its call sites, a notrace copy of a name (no site within it) is left out
  const sites = join(dir, 'addrs');
  writeFileSync(sites, 'ffffffff81200024 cmask_show\nffffffff81300034 vfs_read\nffffffffc0001004 xfs_iread [xfs]\n');
  const traced = functionAddresses(wanted, ks, sites);
  assert.deepEqual(traced.get('vmlinux:cmask_show'), [0xffffffff81200020n]);
  assert.deepEqual(traced.get('xfs:xfs_iread'), [0xffffffffc0001000n]);
  // what kprobe_multi takes: the call sites themselves, from ftrace's file alone
  const at = ftraceSites(wanted, sites);
  assert.deepEqual(at.get('vmlinux:cmask_show'), [0xffffffff81200024n]);
  assert.deepEqual(at.get('xfs:xfs_iread'), [0xffffffffc0001004n]);
});

test('fbt-context uses gen.ts\'s scratch stack slot', () => {
  assert.equal(FBT_TMP_SLOT, Slot.loadTmp);
});

function hasBtf(): string | undefined {
  try {
    loadKernelBtf();
    return undefined;
  } catch {
    return 'no kernel BTF';
  }
}

const table = () => new ProbeTable([dtraceProvider, fbtProvider], []);
const opts = (support: FbtSupport) => ({ strsize: 256, bufsize: 1 << 16, dynvarMax: 1024, aggMax: 1024, macros: {}, fbtSupport: support });
const calls = (items: Item[], helper: number) => items.filter((i) => i.kind !== 'label' && i.code === 0x85 && i.imm === helper).length;

test('fentry and kprobe programs: program type, attach type and BTF id, typed args[]', { skip: hasBtf() }, () => {
  const src = 'fbt::vfs_read:entry { @[args[0]->f_pos, args[2]] = count(); } fbt::vfs_read:return { @r[arg1] = count(); }';
  const fe = compile(parseProgram(src), table(), opts(BOTH));
  const btfId = loadKernelBtf().findFunc('vfs_read')!.id;
  assert.deepEqual(fe.programs.map((p) => [p.probe.name, p.progType, p.expectedAttachType, p.attachBtfId]), [
    ['entry', ProgType.TRACING, AttachType.TRACE_FENTRY, btfId], ['return', ProgType.TRACING, AttachType.TRACE_FEXIT, btfId],
  ]);
  // args[0] is a pointer: read with bpf_get_func_arg, so the verifier sees a number it may add to
  assert.ok(calls(fe.programs[0].items, Helper.get_func_arg) >= 1);
  // stack() under fentry skips the program's and the trampoline's frames, as kprobes have none of them
  assert.equal(probeContext(fe.programs[0].probe).stackSkip, 2);
  const kp = compile(parseProgram(src), table(), opts(KPROBES));
  assert.equal(probeContext(kp.programs[0].probe).stackSkip, undefined);
  assert.deepEqual(kp.programs.map((p) => [p.progType, p.expectedAttachType]), [[ProgType.KPROBE, undefined], [ProgType.KPROBE, undefined]]);
  assert.equal(calls(kp.programs[0].items, Helper.get_func_arg), 0);
});

test('a group program reads its cookie and loads into this kernel (kprobe_multi and per-function)', { skip: hasBtf() ?? kernelSkipReason() }, () => {
  const src = [
    'fbt::vfs_*:entry { @[probefunc, probemod, id] = count(); printf("%d %s %d", epid, probefunc, arg2); }',
    'fbt::vfs_*:return /arg1 < 0/ { @e[probefunc] = count(); trace(*(int *)arg1); }',
  ].join('\n');
  for (const support of [KPROBES, { ...KPROBES, kprobeMulti: true }]) {
    const c = compile(parseProgram(src), table(), opts(support));
    assert.equal(c.programs.length, 2, 'one program for the entries, one for the returns');
    const n = c.clauseProbes[0].length;
    assert.ok(n > FENTRY_MAX_GROUP);
    assert.equal(c.epids.length, n + c.clauseProbes[1].length);
    for (const p of c.programs) {
      assert.equal(p.progType, ProgType.KPROBE);
      assert.equal(p.expectedAttachType, support.kprobeMulti ? AttachType.TRACE_KPROBE_MULTI : undefined);
      assert.equal(calls(p.items, Helper.get_attach_cookie), 1);
      assert.equal(p.epids.length, p.probe.attach.kind === 'fbt' ? p.probe.attach.group!.probes.length : 0);
    }
    // every probe has its own EPID, consecutive within the group
    const entries = c.epids.filter((e) => e.clause === 0);
    assert.deepEqual(entries.map((e) => e.epid), entries.map((_, i) => entries[0].epid + i));
    assert.deepEqual(entries.map((e) => e.probe.id), c.clauseProbes[0].map((p) => p.id));
    const s = new Session(c);
    try {
      s.load();
    } finally {
      s.close();
    }
  }
});
