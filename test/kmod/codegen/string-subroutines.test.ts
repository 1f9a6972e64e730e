// D's string subroutines end to end: `dtrace -q -n 'BEGIN { ... }'` through the built CLI, each case checked
// against the exact output DTrace gives (illumos dtrace_dif_subr semantics: substr's negative arguments,
// index/rindex positions as in Perl, basename/dirname as basename(1)/dirname(1), cleanpath keeping a
// trailing slash, NULL from strchr/strstr/strtok, "out of scratch space" from strjoin), plus the size and
// the verifier's acceptance of the programs they generate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtrace } from '../../helpers/run.js';
import { triggerPath } from '../../helpers/trigger.js';
import { kernelTest } from '../../kernel-gate.js';
import { parseProgram } from '../../../d/parser.js';
import { compile } from '../../../kmod/codegen/compile.js';
import { ProbeTable } from '../../../kmod/probes/table.js';
import { dtraceProvider } from '../../../kmod/probes/providers/dtrace.js';
import { Session } from '../../../kmod/session.js';
import { isLdImm64 } from '../../../kmod/asm/insn.js';

/** An expression and what printf("%s" or "%d") shows for it. */
type Case = [expr: string, want: string];

/** dtrace(1M) ends every run with a newline of its own. */
const out = (lines: string[]) => lines.map((l) => l + '\n').join('') + '\n';

/** The string literals of an expression moved into global variables: the values are then not constants. */
function viaVariables(expr: string, tag: string): { decls: string; expr: string } {
  const decls: string[] = [];
  const e = expr.replace(/"(?:[^"\\]|\\.)*"/g, (lit) => {
    const name = `${tag}_${decls.length}`;
    decls.push(`${name} = ${lit};`);
    return name;
  });
  return { decls: decls.join(' '), expr: e };
}

/**
 * Prints every case as "i:value" from one BEGIN clause per batch (several subroutines a clause, as a D
 * program would) and compares the whole output; `vars` runs the same cases with the strings in variables.
 */
function check(fmt: '%s' | '%d', cases: Case[], opts: { batch?: number; vars?: boolean; args?: string[] } = {}): void {
  const batch = opts.batch ?? (opts.vars ? 6 : 16);
  for (let i = 0; i < cases.length; i += batch) {
    const part = cases.slice(i, i + batch);
    const body = part.map(([expr], k) => {
      const v = opts.vars ? viaVariables(expr, `v${k}`) : { decls: '', expr };
      return `${v.decls} printf("${k}:${fmt}\\n", ${v.expr});`;
    });
    const src = `BEGIN {\n${body.join('\n')}\nexit(0);\n}`;
    const r = dtrace(['-q', ...(opts.args ?? []), '-n', src]);
    assert.equal(r.stderr, '', src);
    assert.equal(r.status, 0, src);
    assert.equal(r.stdout, out(part.map(([, want], k) => `${k}:${want}`)), src);
  }
}

/** Runs clauses that fault: the stderr lines in order, and whatever the other clauses print. */
function faults(src: string, args: string[] = []): { stdout: string; errors: string[] } {
  const r = dtrace(['-q', ...args, '-n', `${src} BEGIN { exit(0); }`]);
  assert.equal(r.status, 0, r.stderr);
  const errors = r.stderr.split('\n').filter(Boolean).map((l) => l.replace(/^dtrace: error on enabled probe ID \d+ \(ID \d+: dtrace:::BEGIN\): /, ''));
  return { stdout: r.stdout, errors };
}

const strjoin: Case[] = [
  ['strjoin("foo", "bar")', 'foobar'],
  ['strjoin("", "")', ''],
  ['strjoin("", "bar")', 'bar'],
  ['strjoin("foo", "")', 'foo'],
  ['strjoin(strjoin("a", "b"), strjoin("c", "d"))', 'abcd'],
];

test('strjoin() joins, and a result longer than strsize is "out of scratch space"', kernelTest(), () => {
  check('%s', strjoin);
  check('%s', strjoin, { vars: true });
  // strsize=16: 16 characters fit (strsize counts characters, as Oracle's tst.strsize shows), 17 do not
  const r = faults('BEGIN { printf("[%s]\\n", strjoin("0123456789", "abcdef")); } BEGIN { printf("[%s]\\n", strjoin("0123456789", "abcdefg")); }',
    ['-x', 'strsize=16']);
  assert.equal(r.stdout, out(['[0123456789abcdef]']));
  assert.deepEqual(r.errors, ['out of scratch space in action #1']);
});

const substr: Case[] = [
  ['substr("hello world", 6)', 'world'],
  ['substr("hello world", 0)', 'hello world'],
  ['substr("hello world", 11)', ''],
  ['substr("hello world", 20)', ''],
  ['substr("hello world", -5)', 'world'],
  ['substr("hello world", -20)', 'hello world'],
  ['substr("hello world", 0, 5)', 'hello'],
  ['substr("hello world", 6, 100)', 'world'],
  ['substr("hello world", 3, -3)', 'lo wo'],
  ['substr("hello world", -5, 3)', 'wor'],
  ['substr("hello world", -20, 12)', 'hel'],
  ['substr("hello world", 2, 0)', ''],
  ['substr("hello world", -20, 5)', ''],
  ['substr("hello world", 4, -20)', ''],
  ['substr("", 0)', ''],
  ['substr("", -1, 1)', ''],
];

test('substr(s, index[, length]): negative index from the end, negative length short of the end', kernelTest(), () => {
  check('%s', substr);
  check('%s', substr.slice(0, 8), { vars: true });
});

const strchr: Case[] = [
  ['strchr("fooeyfooeyfoo", \'f\')', 'fooeyfooeyfoo'],
  ['strrchr("fooeyfooeyfoo", \'f\')', 'foo'],
  ['strchr("fooeyfooeyfoo", \'y\')', 'yfooeyfoo'],
  ['strrchr("fooeyfooeyfoo", \'y\')', 'yfoo'],
  ['strrchr(strchr("fooeyfooeyfoo", \'y\'), \'y\')', 'yfoo'],
  ['strchr("/usr/bin/ls", 0)', ''],
];
const strchrNull: Case[] = [
  ['strchr("fooeyfooeyfoo", \'a\') == NULL', '1'],
  ['strrchr("fooeyfooeyfoo", \'a\') == NULL', '1'],
  ['strchr("", \'a\') != NULL', '0'],
  ['strchr("abc", \'c\') != NULL', '1'],
  ['NULL == strrchr("abc", \'a\')', '0'],
];

test('strchr() / strrchr(): the rest of the string from the first / last occurrence, or NULL', kernelTest(), () => {
  check('%s', strchr);
  check('%s', strchr, { vars: true });
  check('%d', strchrNull);
});

const strstr: Case[] = [
  ['strstr("foobarbaz", "bar")', 'barbaz'],
  ['strstr("foofoofoo", "foo")', 'foofoofoo'],
  ['strstr("aaab", "aab")', 'aab'],
  ['strstr("abababc", "ababc")', 'ababc'],
  ['strstr("abc", "")', 'abc'],
  ['strstr("", "")', ''],
];
const strstrNull: Case[] = [
  ['strstr("abc", "abcd") == NULL', '1'],
  ['strstr("", "a") == NULL', '1'],
  ['strstr("abc", "c") == NULL', '0'],
];

test('strstr(): the string from the first occurrence of the other, or NULL', kernelTest(), () => {
  check('%s', strstr);
  check('%s', strstr, { vars: true });
  check('%d', strstrNull, { vars: true });
});

// DTrace's tst.index.d compares these with Perl's index() and rindex().
const index: Case[] = [
  ['index("foobarbaz", "barbaz")', '3'],
  ['rindex("foobarbaz", "barbaz")', '3'],
  ['index("foofoofoo", "foo")', '0'],
  ['rindex("foofoofoo", "foo")', '6'],
  ['index("boofoofoo", "foo")', '3'],
  ['index("foobarbaz", "barbazzy")', '-1'],
  ['index("foobar", "foobar")', '0'],
  ['index("foobar", "foobarbaz")', '-1'],
  ['index("", "foobar")', '-1'],
  ['rindex("", "foobar")', '-1'],
  ['index("foobar", "")', '0'],
  ['rindex("foobar", "")', '6'],
  ['index("", "")', '0'],
  ['rindex("", "")', '0'],
  ['index("aabaabaaab", "aaab")', '6'],
  ['rindex("abababab", "abab")', '4'],
];
const indexFrom: Case[] = [
  ['index("foofoofoo", "foo", 1)', '3'],
  ['index("foofoofoo", "foo", 3)', '3'],
  ['index("foofoofoo", "foo", -5)', '0'],
  ['index("foofoofoo", "foo", 9)', '-1'],
  ['index("foofoofoo", "", 9)', '9'],
  ['index("foo", "", 100)', '3'],
  ['index("foo", "", -1)', '0'],
  ['rindex("foofoofoo", "foo", 5)', '3'],
  ['rindex("foofoofoo", "foo", 6)', '6'],
  ['rindex("foofoofoo", "foo", -1)', '-1'],
  ['rindex("foofoofoo", "", -1)', '0'],
  ['rindex("foofoofoo", "foo", 100)', '6'],
  ['rindex("foofoofoo", "", 4)', '4'],
  ['rindex("", "", 5)', '0'],
];

test('index() / rindex(): zero-based positions, -1 when absent, Perl\'s rules for the start position', kernelTest(), () => {
  check('%d', index);
  check('%d', index, { vars: true, batch: 8 });
  check('%d', indexFrom);
  check('%d', indexFrom, { vars: true, batch: 7 });
});

test('strtok(): tokens in sequence with strtok(NULL, ...), NULL at the end, delimiters that change', kernelTest(), () => {
  // DTrace's tst.strtok.d
  const r = dtrace(['-q', '-n', `BEGIN {
    this->str = ",,,Carrots,,Barley,Oatmeal,,,Beans,";
    printf("%s\\n", strtok(this->str, ","));
    printf("%s\\n", strtok(NULL, ","));
    printf("%s\\n", strtok(NULL, ","));
    printf("%s\\n", strtok(NULL, ","));
    printf("%d\\n", strtok(NULL, ",") == NULL);
    printf("%s|%s|%s\\n", strtok("foobar", "o"), strtok("oobar", "o"), strtok("foo", "bar"));
    printf("%s|%d|%d\\n", strtok("foo", ""), strtok("", "") == NULL, strtok("", "foo") == NULL);
    printf("%s|%s|%s\\n", strtok("a b\\tc", " \\t"), strtok(NULL, " \\t"), strtok(NULL, " \\t"));
    exit(0);
  }`]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, out(['Carrots', 'Barley', 'Oatmeal', 'Beans', '1', 'f|bar|foo', 'foo|1|1', 'a|b|c']));
  // Oracle's tst.strtok2.d: the saved position is the delimiter itself, so new delimiters see it.
  const r2 = dtrace(['-q', '-n', `BEGIN {
    x = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    y = "abcABC";
    printf("%s\\n", strtok(x, y));
    y = "MNO";
    printf("%s\\n", strtok(NULL, y));
    printf("%s\\n", strtok(NULL, y));
    y = "0123456789";
    printf("%s\\n", strtok(NULL, y));
    printf("%s\\n", strtok(NULL, y) == NULL ? "got expected NULL" : "ERROR: non-NULL");
    exit(0);
  }`]);
  assert.equal(r2.stderr, '');
  assert.equal(r2.stdout, out(['defghijklmnopqrstuvwxyz', 'ABCDEFGHIJKL', 'PQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKL',
    'MNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 'got expected NULL']));
});

test('strtok(NULL, ...) with nothing to continue, and a NULL used as a string, are "invalid address (0x0)"', kernelTest(), () => {
  const r = faults(`BEGIN { trace(strtok(NULL, ",")); }
    BEGIN { printf("[%s]", strtok("a", ",")); printf("[%d]\\n", strtok(NULL, ",") == NULL); }
    BEGIN { printf("%s\\n", strtok(NULL, ",")); }
    BEGIN { printf("%s\\n", strchr("abc", 'z')); }
    BEGIN { trace(strstr("abc", "z")); }
    BEGIN { printf("%s\\n", basename(strrchr("abc", 'z'))); }`);
  assert.equal(r.stdout, out(['[a][1]']));
  assert.deepEqual(r.errors, new Array(5).fill('invalid address (0x0) in action #1'));
});

test('strtok\'s saved position lasts one probe firing, as in DTrace', kernelTest(), () => {
  const r = dtrace(['-q', '-n', `
    syscall::getppid:entry /pid == $target && n == 0/ { printf("%s\\n", strtok("a,b,c", ",")); }
    syscall::getppid:entry /pid == $target && n == 0/ { printf("%s\\n", strtok(NULL, ",")); }
    syscall::getppid:entry /pid == $target && n == 1/ { printf("%s\\n", strtok(NULL, ",")); }
    syscall::getppid:entry /pid == $target/ { n++; }`, '-c', `${triggerPath()} getppid 2`]);
  assert.equal(r.status, 0, r.stderr);
  // across clauses of one firing the position goes on; the next firing starts with none
  assert.equal(r.stdout, out(['a', 'b']));
  assert.match(r.stderr, /^dtrace: error on enabled probe ID 3 \(ID \d+: syscall:vmlinux:getppid:entry\): invalid address \(0x0\) in action #1\n$/);
});

const lltostr: Case[] = [
  ['lltostr(0)', '0'],
  ['lltostr(-1)', '-1'],
  ['lltostr(1234567890123)', '1234567890123'],
  ['lltostr(-9223372036854775807 - 1)', '-9223372036854775808'],
  ['lltostr(255, 16)', '0xff'],
  ['lltostr(0, 16)', '0x0'],
  ['lltostr(-1, 16)', '0xffffffffffffffff'],
  ['lltostr(8, 8)', '010'],
  ['lltostr(0, 8)', '0'],
  ['lltostr(5, 2)', '101'],
  ['lltostr(35, 36)', 'z'],
  ['lltostr(-2, 10)', '-2'],
];

test('lltostr(v[, base]): "-" only in base 10, "0x" for 16, a leading 0 for 8; a bad base is illegal', kernelTest(), () => {
  check('%s', lltostr);
  const r = faults('BEGIN { trace(lltostr(10, 1)); } BEGIN { trace(lltostr(10, 37)); }');
  assert.deepEqual(r.errors, ['illegal operation in action #1', 'illegal operation in action #1']);
});

const strtoll: Case[] = [
  ['strtoll("123")', '123'],
  ['strtoll("  -42abc")', '-42'],
  ['strtoll("\\t+7")', '7'],
  ['strtoll("")', '0'],
  ['strtoll("-")', '0'],
  ['strtoll("- 5")', '0'],
  ['strtoll("0x1f", 16)', '31'],
  ['strtoll("0X1F", 16)', '31'],
  ['strtoll("0x1f")', '0'],
  ['strtoll("0x", 16)', '0'],
  ['strtoll("ff", 16)', '255'],
  ['strtoll("777", 8)', '511'],
  ['strtoll("789", 8)', '7'],
  ['strtoll("zZ", 36)', '1295'],
  ['strtoll("9223372036854775807")', '9223372036854775807'],
  ['strtoll("18446744073709551615")', '-1'],
];

test('strtoll(s[, base]): blanks, a sign, "0x" in base 16, digits of the base; a bad base is illegal', kernelTest(), () => {
  check('%d', strtoll);
  check('%d', strtoll.slice(0, 8), { vars: true });
  const r = faults('BEGIN { trace(strtoll("12", 1)); }');
  assert.deepEqual(r.errors, ['illegal operation in action #1']);
});

// DTrace's tst.basename.d compares these with basename(1) and dirname(1); "" gives "." for both.
const paths: [string, string, string][] = [
  ['/foo/bar/baz', 'baz', '/foo/bar'],
  ['/foo/bar///baz/', 'baz', '/foo/bar'],
  ['/foo/bar/baz//', 'baz', '/foo/bar'],
  ['/foo/bar/baz/.', '.', '/foo/bar/baz'],
  ['foo/bar/baz/', 'baz', 'foo/bar'],
  ['/', '/', '/'],
  ['//', '/', '/'],
  ['/////', '/', '/'],
  ['./', '.', '.'],
  ['/.', '.', '/'],
  ['.', '.', '.'],
  ['f', 'f', '.'],
  ['f/', 'f', '.'],
  ['/foo', 'foo', '/'],
  ['', '.', '.'],
];

test('basename() and dirname() as basename(1) and dirname(1)', kernelTest(), () => {
  const cases: Case[] = paths.flatMap(([p, b, d]): Case[] => [[`basename("${p}")`, b], [`dirname("${p}")`, d]]);
  check('%s', cases);
  check('%s', cases.slice(0, 12), { vars: true });
});

// illumos's cleanpath: "//", "/./" and "/x/../" go, a trailing "/" or "/." stays, ".." backs up to the
// previous "/" (and past the root goes nowhere).
const cleanpath: Case[] = [
  ['cleanpath("/a/./b/../c//d/")', '/a/c/d/'],
  ['cleanpath("/foo/bar/baz")', '/foo/bar/baz'],
  ['cleanpath("/foo/bar///baz/")', '/foo/bar/baz/'],
  ['cleanpath("/foo/bar/baz/.")', '/foo/bar/baz/.'],
  ['cleanpath("/foo/bar/../../baz/.//")', '/baz/'],
  ['cleanpath("foo/bar/./././././baz/")', 'foo/bar/baz/'],
  ['cleanpath("/foo/bar/baz/../../bop/bang/../../bar/baz/")', '/foo/bar/baz/'],
  ['cleanpath("/../../../../../../")', '/'],
  ['cleanpath("/foo/bar/baz/../../../../../../")', '/'],
  ['cleanpath("/a/b/..")', '/a/'],
  ['cleanpath("/a/..")', '/'],
  ['cleanpath("//")', '/'],
  ['cleanpath("/./")', '/'],
  ['cleanpath(".")', '.'],
  ['cleanpath("")', ''],
  ['cleanpath("../x/...y/..z")', '../x/...y/..z'],
];

test('cleanpath() removes "//", "/./" and "/name/../"', kernelTest(), () => {
  // a cleanpath() costs the verifier some 80,000 steps: eight fit in one clause, not sixteen
  check('%s', cleanpath, { batch: 8 });
  check('%s', cleanpath.slice(0, 6), { vars: true });
});

test('toupper() and tolower() change ASCII letters only', kernelTest(), () => {
  const cases: Case[] = [
    ['toupper("Hello, World! 123")', 'HELLO, WORLD! 123'],
    ['tolower("Hello, World! 123")', 'hello, world! 123'],
    ['toupper("abcXYZ@[`{")', 'ABCXYZ@[`{'],
    ['tolower("abcXYZ@[`{")', 'abcxyz@[`{'],
    ['toupper("")', ''],
    ['tolower(toupper("MiXeD"))', 'mixed'],
  ];
  check('%s', cases);
  check('%s', cases, { vars: true });
});

test('copyin() copies user memory for stringof(); copyinstr() with and without a maximum length', kernelTest(), () => {
  const path = '/tmp/dtsh-copyin-test';
  const r = dtrace(['-q', '-n', `syscall::openat:entry /pid == $target/ {
    printf("[%s][%s][%s][%s]\\n", stringof(copyin(arg1, 8)), copyinstr(arg1), copyinstr(arg1, 4), basename(copyinstr(arg1)));
  }`, '-c', `${triggerPath()} open 1 ${path}`]);
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes('dtsh-copyin'));
  assert.equal(line, '[/tmp/dts][/tmp/dtsh-copyin-test][/tmp][dtsh-copyin-test]');
  const bad = faults('BEGIN { trace(stringof(copyin(16, 4))); }');
  assert.deepEqual(bad.errors, ['invalid address (0x10) in action #1']);
});

/** A program calling one subroutine on strings that are not constants (the verifier's worst case). */
const programs: Record<string, string> = {
  strjoin: 'printf("%s", strjoin(a, b));',
  substr: 'printf("%s", substr(a, arg0, arg1));',
  strchr: 'printf("%s", strchr(a, arg0));',
  strrchr: 'printf("%s", strrchr(a, arg0));',
  strstr: 'printf("%s", strstr(a, b));',
  strtok: 'printf("%s %s", strtok(a, b), strtok(NULL, b));',
  index: 'printf("%d %d", index(a, b), index(a, b, arg0));',
  rindex: 'printf("%d %d", rindex(a, b), rindex(a, b, arg0));',
  lltostr: 'printf("%s %s", lltostr(arg0), lltostr(arg0, arg1));',
  strtoll: 'printf("%d %d", strtoll(a), strtoll(a, arg1));',
  basename: 'printf("%s", basename(a));',
  dirname: 'printf("%s", dirname(a));',
  cleanpath: 'printf("%s", cleanpath(a));',
  toupper: 'printf("%s", toupper(a));',
  tolower: 'printf("%s", tolower(a));',
  copyin: 'printf("%s", stringof(copyin(arg0, arg1)));',
};

test('each subroutine\'s program stays under 4,000 instructions and the verifier accepts it', kernelTest(), () => {
  const table = new ProbeTable([dtraceProvider]);
  for (const [name, body] of Object.entries(programs)) {
    const src = `BEGIN { a = execname; b = probename; ${body} }`;
    const compiled = compile(parseProgram(src), table, { strsize: 256, bufsize: 1 << 16, dynvarMax: 1024, aggMax: 1024, macros: {} });
    for (const p of compiled.programs) {
      const slots = p.items.reduce((n, i) => n + (i.kind === 'insn' ? (isLdImm64(i) ? 2 : 1) : 0), 0);
      assert.ok(slots < 4000, `${name}: ${slots} instructions`);
    }
    const session = new Session(compiled);
    try {
      session.load();
    } catch (e) {
      assert.fail(`${name}: ${(e as Error).message}`);
    } finally {
      session.close();
    }
  }
});
