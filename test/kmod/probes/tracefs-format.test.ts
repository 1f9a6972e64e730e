// Parsing tracefs event format files: fixtures copied from a 6.18 kernel, and the live sys_enter_openat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  TracefsError, eventArgs, parseEventFormat, readEventFormat, tracefsRoot,
} from '../../../kmod/probes/tracefs-format.js';

const SYS_ENTER_OPENAT = `name: sys_enter_openat
ID: 782
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;
\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;
\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;
\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;
\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;

print fmt: "dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx", ((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), ((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))
`;

const SCHED_PROCESS_EXEC = `name: sched_process_exec
ID: 365
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;
\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;
\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;

print fmt: "filename=%s pid=%d old_pid=%d", __get_str(filename), REC->pid, REC->old_pid
`;

const SCHED_SWITCH = `name: sched_switch
ID: 372
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;
\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;
\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;
\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;
\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;
\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;

print fmt: "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, "R", "", REC->next_comm, REC->next_pid, REC->next_prio
`;

const COMMON = [
  { name: 'common_type', type: 'unsigned short', offset: 0, size: 2, signed: false, common: true, dataLoc: false },
  { name: 'common_flags', type: 'unsigned char', offset: 2, size: 1, signed: false, common: true, dataLoc: false },
  { name: 'common_preempt_count', type: 'unsigned char', offset: 3, size: 1, signed: false, common: true, dataLoc: false },
  { name: 'common_pid', type: 'int', offset: 4, size: 4, signed: true, common: true, dataLoc: false },
];

test('sys_enter_openat: __syscall_nr and the four arguments', () => {
  const f = parseEventFormat(SYS_ENTER_OPENAT);
  assert.equal(f.name, 'sys_enter_openat');
  assert.equal(f.id, 782);
  assert.deepEqual(f.fields.slice(0, 4), COMMON);
  assert.deepEqual(f.fields.slice(4), [
    { name: '__syscall_nr', type: 'int', offset: 8, size: 4, signed: true, common: false, dataLoc: false },
    { name: 'dfd', type: 'int', offset: 16, size: 8, signed: false, common: false, dataLoc: false },
    { name: 'filename', type: 'const char *', offset: 24, size: 8, signed: false, common: false, dataLoc: false },
    { name: 'flags', type: 'int', offset: 32, size: 8, signed: false, common: false, dataLoc: false },
    { name: 'mode', type: 'umode_t', offset: 40, size: 8, signed: false, common: false, dataLoc: false },
  ]);
  assert.deepEqual(eventArgs(f).map((a) => a.name), ['dfd', 'filename', 'flags', 'mode']);
  assert.match(f.printFmt, /^"dfd: 0x%08lx, filename/);
});

test('sched_process_exec: a __data_loc string', () => {
  const f = parseEventFormat(SCHED_PROCESS_EXEC);
  assert.equal(f.id, 365);
  assert.deepEqual(f.fields.slice(0, 4), COMMON);
  assert.deepEqual(eventArgs(f), [
    { name: 'filename', type: '__data_loc char[]', offset: 8, size: 4, signed: false, common: false, dataLoc: true },
    { name: 'pid', type: 'pid_t', offset: 12, size: 4, signed: true, common: false, dataLoc: false },
    { name: 'old_pid', type: 'pid_t', offset: 16, size: 4, signed: true, common: false, dataLoc: false },
  ]);
});

test('sched_switch: fixed char arrays', () => {
  const f = parseEventFormat(SCHED_SWITCH);
  const args = eventArgs(f);
  assert.deepEqual(args[0], {
    name: 'prev_comm', type: 'char[16]', offset: 8, size: 16, signed: false, common: false, dataLoc: false, arrayLen: 16,
  });
  assert.deepEqual(args.map((a) => `${a.type} ${a.name}@${a.offset}`), [
    'char[16] prev_comm@8', 'pid_t prev_pid@24', 'int prev_prio@28', 'long prev_state@32', 'char[16] next_comm@40',
    'pid_t next_pid@56', 'int next_prio@60',
  ]);
});

test('odd declarations: flexible arrays, __rel_loc, symbolic lengths, no signed: field', () => {
  const f = parseEventFormat([
    'name: odd', 'ID: 7', 'format:',
    '\tfield:unsigned long args[];\toffset:24;\tsize:0;\tsigned:0;',
    '\tfield:__rel_loc char[] msg;\toffset:32;\tsize:4;\tsigned:0;',
    '\tfield:char comm[TASK_COMM_LEN];\toffset:36;\tsize:16;',
    '\tfield:struct Qdisc * qdisc;\toffset:56;\tsize:8;\tsigned:0;',
    '\tfield:__data_loc u64[] addrs;\toffset:64;\tsize:4;\tsigned:0;',
    '', 'print fmt: "x"',
  ].join('\n'));
  assert.deepEqual(f.fields, [
    { name: 'args', type: 'unsigned long[]', offset: 24, size: 0, signed: false, common: false, dataLoc: false },
    { name: 'msg', type: '__rel_loc char[]', offset: 32, size: 4, signed: false, common: false, dataLoc: true, relLoc: true },
    { name: 'comm', type: 'char[TASK_COMM_LEN]', offset: 36, size: 16, signed: false, common: false, dataLoc: false },
    { name: 'qdisc', type: 'struct Qdisc *', offset: 56, size: 8, signed: false, common: false, dataLoc: false },
    { name: 'addrs', type: '__data_loc u64[]', offset: 64, size: 4, signed: false, common: false, dataLoc: true },
  ]);
  assert.throws(() => parseEventFormat('name: x\nformat:\n'), TracefsError);
  assert.throws(() => parseEventFormat('name: x\nID: 1\n\tfield:int;\toffset:0;\tsize:4;\n'), /bad field/);
});

function tracefsTest(): { skip?: string } {
  if (tracefsRoot() && existsSync(`${tracefsRoot()}/events/syscalls/sys_enter_openat`)) return {};
  const reason = tracefsRoot() ? 'no syscalls:sys_enter_openat tracepoint' : 'tracefs is not mounted';
  if (process.env.DTSH_REQUIRE_KERNEL === '1') throw new Error(`kernel tests required but cannot run: ${reason}`);
  return { skip: reason };
}

test('live tracefs: sys_enter_openat', tracefsTest(), () => {
  const f = readEventFormat('syscalls', 'sys_enter_openat');
  assert.equal(f.name, 'sys_enter_openat');
  assert.ok(f.id > 0);
  assert.deepEqual(f.fields.filter((x) => x.common).map((x) => x.name).slice(0, 4),
    ['common_type', 'common_flags', 'common_preempt_count', 'common_pid']);
  assert.equal(f.fields.find((x) => x.name === '__syscall_nr')?.offset, 8);
  assert.deepEqual(eventArgs(f).map((a) => [a.name, a.offset, a.size]), [
    ['dfd', 16, 8], ['filename', 24, 8], ['flags', 32, 8], ['mode', 40, 8],
  ]);
  assert.equal(eventArgs(f)[1].type, 'const char *');
  assert.throws(() => readEventFormat('syscalls', 'sys_enter_no_such_call'), /no tracepoint syscalls:sys_enter_no_such_call/);
  assert.throws(() => readEventFormat('../..', 'x'), /invalid event name/);
});
