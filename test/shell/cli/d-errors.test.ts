// Faults at run time and errors at compile time: DTrace's "error on enabled probe" message (EPID, probe ID,
// fault, action number), the dtrace:::ERROR probe and its arguments, division by zero, the seed blog's
// stringof(arg0) script, and compile errors with DTrace's wording for -n and -s.
// Message formats are libdtrace's (dt_handle.c dt_handle_err, dt_printf.c, dt_parser.c, dt_lex.l).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bpfProgIds, dtrace, startDtrace, waitFor } from '../../helpers/run.js';
import { kernelTest } from '../../kernel-gate.js';
import { escapeRe, probeId, probeLinePrefix, quiet, stderrWithoutExitNotice, trigger } from '../../helpers/d-run.js';

const scratch = mkdtempSync(join(tmpdir(), 'dtsh-derr-'));
const out = (...lines: string[]) => lines.map((l) => l + '\n').join('') + '\n';

/** dt_handle_err's message (no " at DIF offset" part: there is no DIF). */
const fault = (epid: number, id: number, probe: string, what: string, action: number) =>
  `dtrace: error on enabled probe ID ${epid} (ID ${id}: ${probe}): ${what} in action #${action}`;

// ---------------------------------------------------------------------------------------------------
// Bad memory reads

test('a bad read aborts its clause with DTrace\'s message; nothing partial is printed and tracing goes on', kernelTest(), () => {
  const entry = probeId('syscall:vmlinux:getppid:entry');
  const r = quiet(`
    syscall::getppid:entry, syscall::getppid:return /pid == $target/ { n++; }
    syscall::getppid:entry
    /pid == $target/
    {
      printf("before %d\\n", n);
      trace(*(int *)(n * 16));
      printf("after\\n");
      done++;
    }
    syscall::getppid:return /pid == $target/ { printf("ret %d %d\\n", n, done); }`, 'pause 3 5');
  // EPIDs: clause 1 on entry (1) and return (2), clause 2 on entry (3), clause 3 on return (4).
  // Entries see n = 1, 3, 5: addresses 0x10, 0x30, 0x50; the trace() is action #2 of EPID 3.
  assert.equal(r.stdout, out('ret 2 0', 'ret 4 0', 'ret 6 0'));
  const errors = stderrWithoutExitNotice(r).trimEnd().split('\n');
  const probe = 'syscall:vmlinux:getppid:entry';
  assert.deepEqual(errors, [
    fault(3, entry, probe, 'invalid address (0x10)', 2),
    fault(3, entry, probe, 'invalid address (0x30)', 2),
    fault(3, entry, probe, 'invalid address (0x50)', 2),
  ]);
});

const ERROR_PROGRAM = `
    dtrace:::ERROR { printf("ERROR %d %d %d %d 0x%x\\n", arg1, arg2, arg3, arg4, arg5); }
    BEGIN { x = 1; *(char *)0; }
    BEGIN { z = 0; y = 2 / z; }
    BEGIN { y = 3 % z; }
    BEGIN { printf("x=%d y=%d\\n", x, y); exit(0); }`;

test('dtrace:::ERROR fires with arg1 = EPID, arg2 = action, arg3 = -1, arg4 = fault, arg5 = address', kernelTest(), () => {
  const r = quiet(ERROR_PROGRAM);
  // EPIDs: ERROR 1, then the BEGIN clauses 2..5. A fault keeps the stores made before it (x = 1).
  // DTRACEFLT_BADADDR is 1, DTRACEFLT_DIVZERO is 4; there is no DIF offset (-1).
  assert.deepEqual(r.stdout.split('\n').sort(), [
    '', '', 'ERROR 2 2 -1 1 0x0', 'ERROR 3 2 -1 4 0x0', 'ERROR 4 1 -1 4 0x0', 'x=1 y=0',
  ]);
  assert.equal(r.stderr, [
    fault(2, 1, 'dtrace:::BEGIN', 'invalid address (0x0)', 2),
    fault(3, 1, 'dtrace:::BEGIN', 'divide-by-zero', 2),
    fault(4, 1, 'dtrace:::BEGIN', 'divide-by-zero', 1),
    '',
  ].join('\n'));
});

test('dtrace:::ERROR runs in probe context, so its output comes before the later clauses\' output', {
  ...kernelTest(),
}, () => {
  const r = quiet(ERROR_PROGRAM);
  assert.equal(r.stdout, out('ERROR 2 2 -1 1 0x0', 'ERROR 3 2 -1 4 0x0', 'ERROR 4 1 -1 4 0x0', 'x=1 y=0'));
  // the same for a system call: the fault of clause 2 is reported between clauses 1 and 3
  const p = quiet(`
    dtrace:::ERROR { printf("ERROR %d %d 0x%x\\n", arg1, arg2, arg5); }
    syscall::getppid:entry /pid == $target/ { n++; printf("n=%d\\n", n); }
    syscall::getppid:entry /pid == $target/ { trace(*(int *)(n * 16)); }
    syscall::getppid:entry /pid == $target/ { printf("after %d\\n", n); }`, 'pause 2 5');
  assert.equal(p.stdout, out('n=1', 'ERROR 3 1 0x10', 'after 1', 'n=2', 'ERROR 3 1 0x20', 'after 2'));
});

test('"action #N" counts every argument of printf() as an action, as DTrace compiles them', {
  ...kernelTest(),
}, () => {
  const r = dtrace(['-q', '-n', 'BEGIN { printf("%d %d\\n", 1, *(int *)8); } BEGIN { exit(0); }']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, fault(1, 1, 'dtrace:::BEGIN', 'invalid address (0x8)', 2) + '\n');
});

// ---------------------------------------------------------------------------------------------------
// Division by zero

test('integer division and modulo by zero at run time fault with "divide-by-zero"', kernelTest(), () => {
  const entry = probeId('syscall:vmlinux:getppid:entry');
  const r = quiet(`
    syscall::getppid:entry /pid == $target/ { n++; printf("%d\\n", 10 / (n - 2)); }
    syscall::getppid:entry /pid == $target/ { printf("%d\\n", 10 % (n - 1)); }`, 'pause 3 5');
  // n = 1: 10/-1 = -10, 10%0 faults; n = 2: 10/0 faults, 10%1 = 0; n = 3: 10/1 = 10, 10%2 = 0
  assert.equal(r.stdout, out('-10', '0', '10', '0'));
  const probe = 'syscall:vmlinux:getppid:entry';
  assert.deepEqual(stderrWithoutExitNotice(r).trimEnd().split('\n'), [
    fault(2, entry, probe, 'divide-by-zero', 1),
    fault(1, entry, probe, 'divide-by-zero', 2),
  ]);
});

test('a constant division by zero is a compile error (one line, exit 1, nothing runs)', kernelTest(), () => {
  for (const prog of ['BEGIN { x = 1 / 0; exit(0); }', 'BEGIN { x = 1 % 0; exit(0); }']) {
    const r = dtrace(['-n', prog]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith(`dtrace: invalid probe specifier ${prog}: `), r.stderr);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('a constant division by zero: "expression contains division by zero"', {
  ...kernelTest(),
}, () => {
  const r = dtrace(['-n', 'BEGIN { x = 1 / 0; }']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dtrace: invalid probe specifier BEGIN \{ x = 1 \/ 0; \}: expression contains division by zero( \(column \d+\))?\n$/);
  const script = join(scratch, 'div0.d');
  writeFileSync(script, 'BEGIN\n{\n\tc = 123 / 0;\n\texit(0);\n}\n');
  const s = dtrace(['-s', script]);
  assert.equal(s.status, 1);
  // Oracle's test/unittest/arithmetic/err.D_DIV_ZERO.divby0.r, without -xerrtags
  assert.equal(s.stderr, `dtrace: failed to compile script ${script}: line 3: expression contains division by zero\n`);
});

// ---------------------------------------------------------------------------------------------------
// The seed script: stringof() of a user address on entry, of a file descriptor on return

test('the seed script syscall::open*:{printf("%s", stringof(arg0));} until SIGINT', kernelTest(), async () => {
  const ids = dtrace(['-l', '-n', 'syscall::open*:']);
  assert.equal(ids.status, 0, ids.stderr);
  const listed = ids.stdout.trimEnd().split('\n').slice(1).map((l) => l.trim().split(/ +/));
  const openEntry = probeId('syscall:vmlinux:open:entry');
  const openReturn = probeId('syscall:vmlinux:open:return');
  // one clause: its EPIDs follow the matched probes in ID order
  const returnEpid = listed.findIndex((f) => Number(f[0]) === openReturn) + 1;

  const program = 'syscall::open*:{printf("%s", stringof(arg0));}';
  const d = startDtrace(['-n', program]);
  await waitFor(() => bpfProgIds(d.child.pid!).length >= listed.length, 15000, 'dtrace to attach');
  await new Promise((r) => setTimeout(r, 200));
  const path = join(scratch, 'seed-file');
  writeFileSync(path, 'x');
  const calls = 3;
  // stdin, stdout and stderr are /dev/null: open(2) returns 3 each time (the trigger closes it)
  const t = spawn(trigger(), ['sysopen', String(calls), path], { stdio: 'ignore' });
  await new Promise<void>((res) => t.on('exit', () => res()));
  await new Promise((r) => setTimeout(r, 300));
  d.child.kill('SIGINT');
  const r = await d.output;
  assert.equal(r.status, 0, r.stderr);

  const err = r.stderr.split('\n');
  assert.equal(err[0], `dtrace: description 'syscall::open*:' matched ${listed.length} probes`);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'CPU     ID                    FUNCTION:NAME');
  const entryLine = new RegExp(probeLinePrefix(openEntry, 'open', 'entry').source + escapeRe(path) + '$');
  assert.equal(lines.filter((l) => entryLine.test(l)).length, calls, 'the path, printed on each entry');
  const returnError = fault(returnEpid, openReturn, 'syscall:vmlinux:open:return', 'invalid address (0x3)', 1);
  assert.ok(err.filter((l) => l === returnError).length >= calls, `expected ${calls} x "${returnError}" in:\n${r.stderr}`);
  assert.ok(!err.some((l) => /Error|at .*\.js/.test(l)), 'no JavaScript error');
});

// ---------------------------------------------------------------------------------------------------
// Compile errors

test('compile errors for -n: DTrace\'s message after "invalid probe specifier PROGRAM: ", one line, exit 1', kernelTest(), () => {
  const cases: [string, string][] = [
    ['BEGIN { trace(nosuch); }', 'failed to resolve nosuch: Unknown variable name'],
    ['BEGIN { x = ; }', 'syntax error near ";"'],
    ['BEGIN { printf("%d %d\\n", 1); }', 'printf( ) prototype mismatch: conversion #2 (%d) is missing a corresponding value argument'],
    ['BEGIN { printf("%d\\n", 1, 2); }', 'printf( ) prototype mismatch: only 1 arguments required by this format string'],
    ['BEGIN { printf("%q", 1); }', 'format conversion #1 is undefined: %q'],
    ['BEGIN { x = "a"; x = 1; }', 'operands have incompatible types: "string" = "int"'],
    ['BEGIN { trace(this->y); }', 'this->y has not yet been declared or assigned'],
  ];
  for (const [prog, msg] of cases) {
    const r = dtrace(['-n', prog]);
    assert.equal(r.status, 1, prog);
    assert.equal(r.stdout, '');
    // dtsh adds the column; DTrace's text comes first
    assert.match(r.stderr, new RegExp(`^${escapeRe(`dtrace: invalid probe specifier ${prog}: ${msg}`)}( \\(column \\d+\\))?\\n$`));
  }
});

test('a printf() argument of the wrong type names the conversion, its prototype and the argument type', kernelTest(), () => {
  const r = dtrace(['-n', 'BEGIN { printf("%d\\n", "str"); }']);
  assert.equal(r.status, 1);
  // DTrace spreads this over four lines; dtsh keeps its errors to one
  assert.equal(r.stderr.split('\n').length, 2, r.stderr);
  assert.ok(r.stderr.startsWith('dtrace: invalid probe specifier BEGIN { printf("%d\\n", "str"); }: printf( ) argument #2 is incompatible with conversion #1 prototype:'), r.stderr);
  for (const part of ['conversion: %d', 'prototype: char, short, int, long, or long long', 'argument: string']) {
    assert.ok(r.stderr.includes(part), `${part} in ${r.stderr}`);
  }
  const s = dtrace(['-n', 'BEGIN { printf("%s\\n", 1); }']);
  assert.equal(s.status, 1);
  assert.ok(s.stderr.includes('printf( ) argument #2 is incompatible with conversion #1 prototype:'), s.stderr);
  assert.ok(s.stderr.includes('prototype: char [] or string (or use stringof)'), s.stderr);
  assert.ok(s.stderr.includes('argument: int'), s.stderr);
});

test('wrong argument counts: "F( ) prototype mismatch: N args passed, M expected"', {
  ...kernelTest(),
}, () => {
  const cases: [string, string][] = [
    ['BEGIN { trace(1, 2); }', 'trace( ) prototype mismatch: 2 args passed, 1 expected'],
    ['BEGIN { exit(); }', 'exit( ) prototype mismatch: 0 args passed, 1 expected'],
  ];
  for (const [prog, msg] of cases) {
    const r = dtrace(['-n', prog]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^${escapeRe(`dtrace: invalid probe specifier ${prog}: ${msg}`)}( \\(column \\d+\\))?\\n$`));
  }
});

test('calling an undefined function: "undefined function name: F"', {
  ...kernelTest(),
}, () => {
  // Oracle's test suite expects: dtrace: invalid probe specifier BEGIN{Printf("FOUND");}: undefined function name: Printf
  const r = dtrace(['-n', 'BEGIN{Printf("FOUND");}']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dtrace: invalid probe specifier BEGIN\{Printf\("FOUND"\);\}: undefined function name: Printf( \(column \d+\))?\n$/);
});

test('compile errors in -s scripts: "failed to compile script F: line N: message"', kernelTest(), () => {
  const unknown = join(scratch, 'unknown.d');
  writeFileSync(unknown, 'BEGIN\n{\n\tx = 1;\n\ttrace(nosuch);\n}\n');
  const a = dtrace(['-s', unknown]);
  assert.equal(a.status, 1);
  assert.equal(a.stdout, '');
  assert.equal(a.stderr, `dtrace: failed to compile script ${unknown}: line 4: failed to resolve nosuch: Unknown variable name\n`);

  const syntax = join(scratch, 'syntax.d');
  writeFileSync(syntax, '/* a comment */\nBEGIN\n{\n\tx = 1 +;\n}\n');
  const b = dtrace(['-s', syntax]);
  assert.equal(b.status, 1);
  assert.equal(b.stderr, `dtrace: failed to compile script ${syntax}: line 4: syntax error near ";"\n`);

  const printf = join(scratch, 'printf.d');
  writeFileSync(printf, 'BEGIN\n{\n\tprintf("%d %d\\n", 1);\n}\n');
  const c = dtrace(['-s', printf]);
  assert.equal(c.status, 1);
  assert.equal(c.stderr, `dtrace: failed to compile script ${printf}: line 3: printf( ) prototype mismatch: conversion #2 (%d) is missing a corresponding value argument\n`);
});

test('an undefined $$N names the macro argument as written', {
  ...kernelTest(),
}, () => {
  const r = dtrace(['-n', 'BEGIN { trace($$3); }', 'a', 'b']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dtrace: invalid probe specifier BEGIN \{ trace\(\$\$3\); \}: macro argument \$\$3 is not defined( \(column \d+\))?\n$/);
});
