// The D language end to end: real programs through `dtrace -q -n/-s ... -c trigger`, each checked against
// the exact output DTrace gives (C arithmetic, dtrace(1M)'s record and probe-line formats, printf(3C)
// conversions as libdtrace's dt_printf.c applies them, the trigger's exact system calls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dtrace } from '../../helpers/run.js';
import { kernelTest } from '../../kernel-gate.js';
import { probeId, probeLinePrefix, quiet, stderrWithoutExitNotice, triggerCmd } from '../../helpers/d-run.js';

const HEADER = 'CPU     ID                    FUNCTION:NAME';
const scratch = mkdtempSync(join(tmpdir(), 'dtsh-dlang-'));

/** dtrace(1M) ends every run with a newline of its own, quiet or not. */
const out = (...lines: string[]) => lines.map((l) => l + '\n').join('') + '\n';
/** A probe line after its CPU column: " %6d %32s ". */
const after = (id: number, funcName: string) => ` ${String(id).padStart(6)} ${funcName.padStart(32)} `;

// ---------------------------------------------------------------------------------------------------
// Variables

test('globals, self-> thread-locals, this-> clause-locals, tuple-keyed arrays, ++ and +=', kernelTest(), () => {
  const r = quiet(`
    syscall::getppid:entry
    /pid == $target/
    {
      n++;
      total += 10;
      self->calls++;
      this->twice = n * 2;
      a[n, "k"] = n * 100;
      printf("n=%d total=%d self=%d this=%d a=%d\\n", n, total, self->calls, this->twice, a[n, "k"]);
    }
    END
    {
      /* END runs in dtrace's own thread: the trigger's thread-locals are not visible there */
      printf("a1=%d a2=%d a3=%d a4=%d self=%d\\n", a[1, "k"], a[2, "k"], a[3, "k"], a[4, "k"], self->calls);
      a[2, "k"] = 0;
      printf("a1=%d a2=%d a3=%d\\n", a[1, "k"], a[2, "k"], a[3, "k"]);
    }`, 'getppid 3');
  assert.equal(r.stdout, out(
    'n=1 total=10 self=1 this=2 a=100',
    'n=2 total=20 self=2 this=4 a=200',
    'n=3 total=30 self=3 this=6 a=300',
    'a1=100 a2=200 a3=300 a4=0 self=0',
    'a1=100 a2=0 a3=300',
  ));
});

test('thread-locals are per thread: each forked child starts from zero', kernelTest(), () => {
  // trigger fork 2: two children call getppid once each, then the parent calls it once
  const r = quiet(`
    syscall::getppid:entry
    /pid == $target || ppid == $target/
    {
      self->n++;
      printf("%s %d %d\\n", pid == $target ? "parent" : "child", self->n, tid == pid);
    }`, 'fork 2');
  assert.equal(r.stdout, out('child 1 1', 'child 1 1', 'parent 1 1'));
});

test('compound assignments, pre/post increment and decrement', kernelTest(), () => {
  const r = quiet(`
    BEGIN
    {
      m = 3; m *= 5; m -= 1; m <<= 2; m /= 7; m %= 5; m |= 8; m &= 12; m ^= 1; m >>= 1;
      p = 5; q = p++; r = ++p; s = p--; t = --p;
      printf("%d %d %d %d %d %d\\n", m, q, r, s, t, p);
      exit(0);
    }`);
  // 3*5=15, -1=14, <<2=56, /7=8, %5=3, |8=11, &12=8, ^1=9, >>1=4
  assert.equal(r.stdout, out('4 5 7 7 5 5'));
});

// ---------------------------------------------------------------------------------------------------
// Integer arithmetic, as C does it (expected values are what gcc gives for the same expressions)

test('integer arithmetic in C semantics: int wrap, unsigned comparison and shifts, / and % of negatives, casts', kernelTest(), () => {
  const r = quiet(`
    BEGIN
    {
      i = 2147483647; i = i + 1;
      printf("%d\\n", i);
      x = 19; y = 5;
      printf("%d %d %d %d %d %d %d %d\\n", x / y, x % y, x / -y, x % -y, -x / y, -x % y, -x / -y, -x % -y);
      printf("%d %d %d %d\\n", (unsigned)-1 > 0, -1 > 0, -1 < 1U, -1 < 1);
      m8 = -8;
      printf("%d %u %d\\n", m8 >> 1, (unsigned)m8 >> 1, 1 << 31);
      printf("%d %d %d %d %d %d\\n", (char)300, (unsigned char)300, (short)70000, (int8_t)200, (uint16_t)-1,
          (int)4294967297LL);
      u = (unsigned int)0; u = u - 1;
      printf("%u\\n", u);
      exit(0);
    }`);
  assert.equal(r.stdout, out(
    '-2147483648',
    '3 4 -3 4 -3 -4 3 -4',
    '1 0 0 1',
    '-4 2147483644 -2147483648',
    '44 44 4464 -56 65535 1',
    '4294967295',
  ));
});

test('?: and short-circuit && || never evaluate the other side (a division by zero there would fault)', kernelTest(), () => {
  const r = quiet(`
    BEGIN
    {
      zero = 0; one = 1;
      a = zero && (1 / zero);
      b = one || (1 / zero);
      c = one ? 7 : 1 / zero;
      d = zero ? 1 / zero : 8;
      e = one ^^ zero;
      e += 10 * (one && one);
      f = !zero + 10 * !one;
      printf("%d %d %d %d %d %d %s\\n", a, b, c, d, e, f, one > zero ? "yes" : "no");
      exit(0);
    }`);
  assert.equal(r.stdout, out('0 1 7 8 11 1 yes'));
  assert.equal(r.stderr, '', 'no divide-by-zero error was raised');
});

test('^^ (logical xor) inside a larger expression', {
  ...kernelTest(),
}, () => {
  const r = quiet('BEGIN { zero = 0; one = 1; printf("%d %d\\n", 2 * (one ^^ zero), (one ^^ zero) + 10 * (one ^^ one)); exit(0); }');
  assert.equal(r.stdout, out('2 1'));
});

test('?: nested four deep and right-nested arithmetic four deep', {
  ...kernelTest(),
}, () => {
  const r = quiet(`
    BEGIN
    {
      x = 3;
      printf("%s\\n", x == 1 ? "one" : x == 2 ? "two" : x == 3 ? "three" : x == 4 ? "four" : "many");
      printf("%d\\n", x + (x + (x + (x + x))));
      exit(0);
    }`);
  assert.equal(r.stdout, out('three', '15'));
});

test('expressions that need more than the four value registers spill to the stack', kernelTest(), () => {
  const [a, b, c, d, e, f] = [1, 2, 3, 4, 5, 6];
  const sum = (a + b) * (c + d) * ((e + f) * (a + c) + (b + d) * (e + a)) + ((a + b) * (c + d) + (e + f) * (a + b)) * ((c + d) * (e + f) + (a + b) * (c + d));
  const cmp = (a + b) * (c + d) + (e + f) * (a + c) > ((b + d) * (e + a) + (a + b) * (c + d)) * ((e + f) * (a + b) + (c + d) * (e + f)) ? 1 : 0;
  const xor = Number(Boolean(a) !== Boolean(((a + b) * (c + d) + (e + f) * (a + c)) * ((b + d) * (e + a) + (a + f) * (c + d)) - 1));
  const r = quiet(`
    BEGIN
    {
      a = 1; b = 2; c = 3; d = 4; e = 5; f = 6;
      printf("%d\\n", (a + b) * (c + d) * ((e + f) * (a + c) + (b + d) * (e + a)) + ((a + b) * (c + d) + (e + f) * (a + b)) * ((c + d) * (e + f) + (a + b) * (c + d)));
      printf("%d\\n", (a + b) * (c + d) + (e + f) * (a + c) > ((b + d) * (e + a) + (a + b) * (c + d)) * ((e + f) * (a + b) + (c + d) * (e + f)) ? 1 : 0);
      printf("%d\\n", a ^^ ((a + b) * (c + d) + (e + f) * (a + c)) * ((b + d) * (e + a) + (a + f) * (c + d)) - 1);
      printf("%d\\n", strlen("ab") + (strlen("abc") * (strlen("abcd") + strlen("abcde") * (strlen("a") + strlen("abcdef")))));
      exit(0);
    }`);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, out(String(sum), String(cmp), String(xor), String(2 + 3 * (4 + 5 * (1 + 6)))));
});

test('if / else if / else, nested', kernelTest(), () => {
  const r = quiet(`
    syscall::getppid:entry
    /pid == $target/
    {
      n++;
      if (n == 1) {
        printf("one");
      } else if (n == 2) {
        if (n > 1) printf("two"); else printf("never");
      } else {
        printf("many");
      }
      printf(" %d\\n", n);
    }`, 'getppid 4');
  assert.equal(r.stdout, out('one 1', 'two 2', 'many 3', 'many 4'));
});

// ---------------------------------------------------------------------------------------------------
// Strings

test('string comparison: execname == "trigger", == != < > on strings', kernelTest(), () => {
  const r = quiet(`
    syscall::getppid:entry
    /pid == $target && execname == "trigger"/
    {
      s = "abc";
      printf("%d %d %d %d %d %d\\n", execname == "trigger", execname != "trigger", s == "abc", s < "abd", s > "abcd", "b" > "abc");
    }`, 'getppid 2');
  assert.equal(r.stdout, out('1 0 1 1 0 1', '1 0 1 1 0 1'));
});

test('-x strsize=16 truncates strings to 16 characters', {
  ...kernelTest(),
}, () => {
  // DTrace copies strsize bytes of a string (dtrace_strcpy / dtrace_store_by_ref): strsize characters survive,
  // e.g. strlen("123456789") == 5 under strsize=5 (Oracle's test/unittest/funcs/strlen)
  const r = quiet(`
    BEGIN
    {
      s = "0123456789abcdefghij";
      printf("[%s] [%s] %d\\n", "0123456789abcdefghijklmnop", s, strlen(s));
      exit(0);
    }`, undefined, 0, ['-x', 'strsize=16']);
  assert.equal(r.stdout, out('[0123456789abcdef] [0123456789abcdef] 16'));
});

test('inline string constants', {
  ...kernelTest(),
}, () => {
  const r = quiet('inline string WHO = "dtsh"; BEGIN { printf("%s\\n", WHO); exit(0); }');
  assert.equal(r.stdout, out('dtsh'));
});

// ---------------------------------------------------------------------------------------------------
// Built-in variables

test('pid, tid, ppid, uid, gid, curthread->pid, execname, probeprov/mod/func/name and id', kernelTest(), () => {
  const entry = probeId('syscall:vmlinux:getppid:entry');
  const ret = probeId('syscall:vmlinux:getppid:return');
  const r = quiet(`
    syscall::getppid:entry
    /pid == $target/
    {
      printf("%d %d %d %d %d\\n", pid == $target, tid == pid, uid, gid, curthread->pid == tid);
      printf("%s %s:%s:%s:%s %d\\n", execname, probeprov, probemod, probefunc, probename, id);
    }
    syscall::getppid:return
    /pid == $target/
    {
      /* getppid(2) returns the parent's pid: ppid must agree with it */
      printf("%d %d %s %d\\n", ppid == arg0, arg0 == arg1, probename, id);
    }`, 'getppid 1');
  assert.equal(r.stdout, out(
    `1 1 ${process.getuid!()} ${process.getgid!()} 1`,
    `trigger syscall:vmlinux:getppid:entry ${entry}`,
    `1 1 return ${ret}`,
  ));
});

test('epid numbers clauses x probes from 1 in program order', kernelTest(), () => {
  const entry = probeId('syscall:vmlinux:getppid:entry');
  const ret = probeId('syscall:vmlinux:getppid:return');
  const r = quiet(`
    syscall::getppid:entry /pid == $target/ { printf("%d %d\\n", epid, id); }
    syscall::getppid:entry, syscall::getppid:return /pid == $target/ { printf("%d %d\\n", epid, id); }`,
  'getppid 1');
  // EPID 1: clause 1 on entry; EPIDs 2 and 3: clause 2 on entry and on return
  assert.equal(r.stdout, out(`1 ${entry}`, `2 ${entry}`, `3 ${ret}`));
});

test('timestamp only grows; walltimestamp is the time of day in nanoseconds', kernelTest(), () => {
  const before = Math.floor(Date.now() / 1000);
  const r = quiet(`
    syscall::getppid:entry /pid == $target/ { printf("%d\\n", timestamp > last); last = timestamp; }
    END { printf("%d %d\\n", timestamp > last, walltimestamp / 1000000000); }`, 'pause 3 2');
  const after = Math.ceil(Date.now() / 1000);
  const lines = r.stdout.split('\n');
  const m = /^1 (\d+)$/.exec(lines[3] ?? '');
  assert.deepEqual([...lines.slice(0, 3), m ? '1 S' : lines[3], ...lines.slice(4)], ['1', '1', '1', '1 S', '', ''], r.stdout);
  const secs = Number(m![1]);
  assert.ok(secs >= before - 2 && secs <= after + 2, `walltimestamp ${secs}s, now ${before}..${after}`);
});

test('errno after a failing open(2), arg0 on return, copyinstr(arg0) on entry', kernelTest(), () => {
  const r = quiet(`
    syscall::open:entry /pid == $target/ { printf("open %s\\n", copyinstr(arg0)); }
    syscall::open:return /pid == $target/ { printf("errno=%d failed=%d\\n", errno, (int)arg0 < 0); }`,
  'sysopen 1 /nonexistent/dtsh-test');
  assert.equal(r.stdout, out('open /nonexistent/dtsh-test', 'errno=2 failed=1'));
  const ok = quiet(`
    syscall::open:return /pid == $target/ { printf("errno=%d fd=%d\\n", errno, arg0); }`, 'sysopen 1 /dev/null');
  // stdin, stdout and stderr are open: the first free descriptor is 3
  assert.equal(ok.stdout, out('errno=0 fd=3'));
});

test('arg0..arg5 and args[] of system calls; arg0 == arg1 == the return value on return', kernelTest(), () => {
  // trigger read 2 77: two read(fd, buf, 77) calls on /dev/zero, each returning 77
  const r = quiet(`
    syscall::read:entry /pid == $target && arg2 == 77/ { printf("%d %d %d\\n", arg2, args[2], arg0 > 2); self->in = 1; }
    syscall::read:return /self->in/ { printf("ret %d %d\\n", arg0, arg0 == arg1); self->in = 0; }`, 'read 2 77');
  assert.equal(r.stdout, out('77 77 1', 'ret 77 1', '77 77 1', 'ret 77 1'));
  // trigger write 2: two write(fd, "hello", 5) calls on /dev/null
  const w = quiet(`
    syscall::write:entry /pid == $target/ { printf("%s %d %d\\n", copyinstr(arg1, arg2), arg2, args[2]); }`, 'write 2');
  assert.equal(w.stdout, out('hello 5 5', 'hello 5 5'));
});

// ---------------------------------------------------------------------------------------------------
// Clauses, predicates, BEGIN/END, exit()

test('several clauses on one probe run in program order; BEGIN first and END last wherever written', kernelTest(), () => {
  const r = quiet(`
    END { printf("end %d\\n", n); }
    syscall::getppid:entry /pid == $target/ { printf("A%d ", ++n); }
    syscall::getppid:entry /pid == $target && n > 100/ { printf("never "); }
    syscall::getppid:entry /pid == $target/ { printf("B%d\\n", n); }
    BEGIN { printf("begin %d\\n", n); }`, 'getppid 3');
  assert.equal(r.stdout, out('begin 0', 'A1 B1', 'A2 B2', 'A3 B3', 'end 3'));
});

test('exit(N) ends tracing with status N, from BEGIN or from a probe', kernelTest(), () => {
  const begin = quiet('BEGIN { exit(3); }', undefined, 3);
  assert.equal(begin.stdout, '\n');
  // 100 ms between calls: exit() has stopped tracing long before the second one
  const probe = quiet('syscall::getppid:entry /pid == $target/ { printf("x\\n"); exit(5); }', 'pause 3 100', 5);
  assert.equal(probe.stdout, out('x'));
  const zero = quiet('BEGIN { exit(0); }');
  assert.equal(zero.stdout, '\n');
});

// ---------------------------------------------------------------------------------------------------
// printf and trace output

test('printf conversions, flags, widths, precisions and * end to end', kernelTest(), () => {
  const r = quiet(`
    BEGIN
    {
      printf("[%d|%i|%u|%o|%x|%X|%c|%s]\\n", -1, -2, -1, 8, 255, 255, 65, "str");
      printf("[%5d|%-5d|%05d|%+d|% d|%.3d|%#o|%#x|%x|%llx]\\n", 42, 42, -42, 5, 5, 7, 8, 255, -1, -1LL);
      printf("[%10s|%-10s|%.2s|%5.1s]\\n", "abc", "abc", "abc", "abc");
      printf("[%*d|%*d|%.*s|%%]\\n", 6, 7, -6, 7, 2, "xyz");
      printf("[%hd|%ld|%lu|%lld|%hu]\\n", (short)-3, (long)-5, (unsigned long)-1, (long long)-7, (unsigned short)65535);
      printf("[%p|%d|%u]\\n", 0x1234, (unsigned)-1, -1);
      exit(0);
    }`);
  // %p is printed with "x" (dt_printf.c: { "p", "x", ... pfprint_uint }); %d of an unsigned value prints it
  // unsigned (pfcheck_dint); everything else as printf(3C) does (checked against gcc)
  assert.equal(r.stdout, out(
    '[-1|-2|4294967295|10|ff|FF|A|str]',
    '[   42|42   |-0042|+5| 5|007|010|0xff|ffffffff|ffffffffffffffff]',
    '[       abc|abc       |ab|    a]',
    '[     7|7     |xy|%]',
    '[-3|-5|18446744073709551615|-7|65535]',
    '[1234|4294967295|4294967295]',
  ));
});

test('trace() in non-quiet mode: DTrace\'s widths for each size, strings padded to 33', kernelTest(), () => {
  const r = dtrace(['-n', 'BEGIN { trace(1); trace("x"); exit(0) }']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "dtrace: description 'BEGIN ' matched 1 probe\n");
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], HEADER);
  // "%3d %6d %32s " then " %8d" for a 4-byte int, then " %s%*s" with width -33 for a string
  assert.match(lines[1], probeLinePrefix(1, '', 'BEGIN'));
  assert.equal(lines[1].slice(3), `${after(1, ':BEGIN')}${'1'.padStart(9)}  ${'x'.padEnd(33)}`);
  assert.deepEqual(lines.slice(2), ['', '']);

  const t = dtrace(['-n', 'BEGIN { trace((char)2); trace((short)3); trace(4LL); trace(-1); trace((uint8_t)255); trace((char)-1); exit(0) }']);
  assert.equal(t.status, 0, t.stderr);
  // 1 byte: " %3d", 2 bytes: " %5d", 8 bytes: " %16lld"; 1-byte values are read as uint8_t
  assert.equal(t.stdout.split('\n')[1].slice(3),
    after(1, ':BEGIN') + ['   2', '     3', ' '.repeat(16) + '4', ' ' + '-1'.padStart(8), ' 255', ' 255'].join(''));
});

test('the default probe line: %3d %6d %32s, then printf and trace data, one line per record', kernelTest(), () => {
  const id = probeId('syscall:vmlinux:getppid:entry');
  const r = dtrace(['-n', 'syscall::getppid:entry /pid == $target/ { printf("x=%d", 5); trace(7); }', '-c', triggerCmd('getppid 2')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.split('\n')[0], "dtrace: description 'syscall::getppid:entry ' matched 1 probe");
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], HEADER);
  for (const l of lines.slice(1, 3)) {
    assert.match(l, probeLinePrefix(id, 'getppid', 'entry'));
    assert.equal(l.slice(3), `${after(id, 'getppid:entry')}x=5${'7'.padStart(9)}`);
  }
  assert.deepEqual(lines.slice(3), ['', '']);
});

// ---------------------------------------------------------------------------------------------------
// Scripts and command-line options

test('-s script.d: "script \'NAME\' matched N probes", and its output', kernelTest(), () => {
  const script = join(scratch, 'count.d');
  writeFileSync(script, [
    'syscall::getppid:entry,',
    'syscall::getppid:return',
    '/pid == $target/',
    '{',
    '\tn++;',
    '}',
    '',
    'END',
    '{',
    '\tprintf("n=%d", n);',
    '}',
    '',
  ].join('\n'));
  const r = dtrace(['-s', script, '-c', triggerCmd('getppid 2')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.split('\n')[0], `dtrace: script '${script}' matched 3 probes`);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], HEADER);
  assert.match(lines[1], probeLinePrefix(2, '', 'END'));
  assert.ok(lines[1].endsWith(':END n=4'), lines[1]);
  assert.deepEqual(lines.slice(2), ['', '']);
});

test('a #!/usr/sbin/dtrace -s script with #pragma D option quiet and $1 / $$1 macro arguments', kernelTest(), () => {
  const script = join(scratch, 'quiet.d');
  writeFileSync(script, [
    '#!/usr/sbin/dtrace -s',
    '#pragma D option quiet',
    '',
    'syscall::getppid:entry',
    '/pid == $target/',
    '{',
    '\tprintf("%s %d\\n", $$1, $2 + 1);',
    '}',
    '',
  ].join('\n'));
  const r = dtrace(['-s', script, '-c', triggerCmd('getppid 2'), 'hello', '41']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, out('hello 42', 'hello 42'));
  assert.doesNotMatch(r.stderr, /matched/, 'the quiet pragma silences the "matched" notice');
});

test('$1 macro arguments: integers (any base) with $N, strings with $$N', kernelTest(), () => {
  const r = dtrace(['-q', '-n', 'BEGIN { printf("%d %s %d\\n", $1 + 1, $$2, $3 * 2); exit(0); }', '41', 'hello', '0x10']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, out('42 hello 32'));
});

test('$1 whose text is neither an integer nor an identifier is a string', {
  ...kernelTest(),
}, () => {
  // dt_lex.l: "If the macro text is not a valid integer or ident, then we treat it as a string."
  const r = dtrace(['-q', '-n', 'BEGIN { printf("%s\\n", $1); exit(0); }', '/tmp/x']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, out('/tmp/x'));
});

test('inline integer constants', kernelTest(), () => {
  const r = quiet(`
    inline int LIMIT = 2;
    syscall::getppid:entry /pid == $target && ++n <= LIMIT/ { printf("%d of %d\\n", n, LIMIT * 10); }`, 'getppid 4');
  assert.equal(r.stdout, out('1 of 20', '2 of 20'));
});

test('-o FILE appends the trace output to FILE', kernelTest(), () => {
  const file = join(scratch, 'out.txt');
  writeFileSync(file, 'existing line\n');
  const a = dtrace(['-q', '-o', file, '-n', 'BEGIN { printf("first\\n"); exit(0); }']);
  assert.equal(a.status, 0, a.stderr);
  const b = dtrace(['-o', file, '-n', 'BEGIN { trace(7); exit(0); }']);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(a.stdout + b.stdout, '', 'nothing on stdout');
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.deepEqual(lines.slice(0, 4), ['existing line', 'first', '', HEADER]);
  assert.equal(lines[4].slice(3), `${after(1, ':BEGIN')}${'7'.padStart(9)}`);
  assert.deepEqual(lines.slice(5), ['', '']);
});

test('-e compiles and exits 0 without tracing anything', kernelTest(), () => {
  const r = dtrace(['-e', '-n', 'BEGIN { printf("traced\\n"); exit(0); }']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  const bad = dtrace(['-e', '-n', 'BEGIN { trace(nosuch); }']);
  assert.equal(bad.status, 1, 'compile errors are still reported');
  assert.match(bad.stderr, /^dtrace: invalid probe specifier .*Unknown variable name/);
});

test('-e prints no "matched" notice (dtrace(1M) only prints it when it enables the program)', {
  ...kernelTest(),
}, () => {
  const r = dtrace(['-e', '-n', 'BEGIN { exit(0); }']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
});

test('-q silences dtrace(1M)\'s notices, "pid N has exited" included', {
  ...kernelTest(),
}, () => {
  const r = quiet('syscall::getppid:entry /pid == $target/ { }', 'getppid 1');
  assert.equal(r.stderr, '');
  assert.equal(stderrWithoutExitNotice(r), '');
});
