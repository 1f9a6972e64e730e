// Parser tests as data: D source → S-expression of the AST, a few exact node shapes, and parse speed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProgram } from '../../d/parser.js';
import { sx, stmt, stripPos } from './ast-util.js';

type Table = [source: string, expected: string][];

function table(name: string, rows: Table, parse: (src: string) => string = sx): void {
  describe(name, () => {
    for (const [src, want] of rows) test(JSON.stringify(src), () => assert.equal(parse(src), want));
  });
}

table('probe descriptions', [
  ['BEGIN', '(clause (probes "BEGIN") (body))'],
  ['END {}', '(clause (probes "END") (body))'],
  ['syscall::openat:entry {}', '(clause (probes "syscall::openat:entry") (body))'],
  ['syscall::open*: {}', '(clause (probes "syscall::open*:") (body))'],
  ['fbt::: {}', '(clause (probes "fbt:::") (body))'],
  ['::: {}', '(clause (probes ":::") (body))'],
  ['fbt::vfs_*:entry {}', '(clause (probes "fbt::vfs_*:entry") (body))'],
  ['profile-997 {}', '(clause (probes "profile-997") (body))'],
  ['tick-1s {}', '(clause (probes "tick-1s") (body))'],
  ['profile:::profile-4999hz {}', '(clause (probes "profile:::profile-4999hz") (body))'],
  ['pid$target:libc.so.6:malloc:entry {}', '(clause (probes "pid$target:libc.so.6:malloc:entry") (body))'],
  ['pid123::main:return {}', '(clause (probes "pid123::main:return") (body))'],
  ['sdt:sched::sched_switch {}', '(clause (probes "sdt:sched::sched_switch") (body))'],
  ['proc:::exec-success {}', '(clause (probes "proc:::exec-success") (body))'],
  ['syscall::[rw]ead:entry {}', '(clause (probes "syscall::[rw]ead:entry") (body))'],
  ['syscall::[/]x:entry {}', '(clause (probes "syscall::[/]x:entry") (body))'],
  ['syscall::read*:entry,syscall::write*:entry {}',
    '(clause (probes "syscall::read*:entry" "syscall::write*:entry") (body))'],
  ['syscall::read:entry,\n  syscall::write:entry ,\n\tsyscall::pread64:entry\n{}',
    '(clause (probes "syscall::read:entry" "syscall::write:entry" "syscall::pread64:entry") (body))'],
  ['syscall::getppid:entry', '(clause (probes "syscall::getppid:entry") (body))'],
  ['syscall::getppid:entry\n\n', '(clause (probes "syscall::getppid:entry") (body))'],
  ['syscall::open*:{printf("%s", stringof(arg0));}',
    '(clause (probes "syscall::open*:") (body (call printf "%s" (stringof arg0))))'],
  ['syscall::getppid:entry/pid == $target/{trace(pid)}',
    '(clause (probes "syscall::getppid:entry") (pred (== pid $target)) (body (call trace pid)))'],
  ['BEGIN{}END{}', '(clause (probes "BEGIN") (body))\n(clause (probes "END") (body))'],
]);

table('clauses', [
  ['syscall::read:entry /pid == 123/ { @ = count(); }',
    '(clause (probes "syscall::read:entry") (pred (== pid 123)) (body (= @ (call count))))'],
  ['syscall::read:entry /pid == 123/',
    '(clause (probes "syscall::read:entry") (pred (== pid 123)) (body))'],
  ['syscall::read:entry\n/execname == "sshd"/\n',
    '(clause (probes "syscall::read:entry") (pred (== execname "sshd")) (body))'],
  ['BEGIN /x / 2 > 1/ {}', '(clause (probes "BEGIN") (pred (> (/ x 2) 1)) (body))'],
  ['BEGIN { @ = count() }', '(clause (probes "BEGIN") (body (= @ (call count))))'],
  ['BEGIN { x = 1; y = 2 }', '(clause (probes "BEGIN") (body (= x 1) (= y 2)))'],
  ['BEGIN { ; x = 1;; }', '(clause (probes "BEGIN") (body (empty) (= x 1) (empty)))'],
  ['BEGIN { exit(0); }\nEND { printa(@); }\n',
    '(clause (probes "BEGIN") (body (call exit 0)))\n(clause (probes "END") (body (call printa @)))'],
  ['/* header */ syscall::read:entry /* a */ , /* b */ syscall::write:entry // c\n' +
    '/ /* d */ pid == 1 /* e */ / /* f */\n{ /* g */ x = /* h */ 1; // i\n} // j\n/* k */',
    '(clause (probes "syscall::read:entry" "syscall::write:entry") (pred (== pid 1)) (body (= x 1)))'],
  ['#!/usr/sbin/dtrace -s\nBEGIN { trace(1); }', '(clause (probes "BEGIN") (body (call trace 1)))'],
]);

table('pragmas', [
  ['#pragma D option quiet\nBEGIN {}', '(pragma quiet)\n(clause (probes "BEGIN") (body))'],
  ['#!/usr/sbin/dtrace -s\n#pragma D option bufsize=4m\n#pragma D option aggsortrev\n',
    '(pragma bufsize "4m")\n(pragma aggsortrev)'],
  ['BEGIN\n{\n#pragma D option quiet\n  x = 1;\n}\n#pragma D option flowindent',
    '(clause (probes "BEGIN") (body (= x 1)))\n(pragma quiet)\n(pragma flowindent)'],
]);

table('declarations', [
  ['int x;', '(decl global <int> x)'],
  ['self int x;', '(decl self <int> x)'],
  ['this string s;', '(decl this <string> s)'],
  ['int a[string, int];', '(decl global <int> a (keys <string> <int>))'],
  ['string s[int];', '(decl global <string> s (keys <int>))'],
  ['self uint64_t ts[pid_t];', '(decl self <uint64_t> ts (keys <pid_t>))'],
  ['unsigned long long x;', '(decl global <unsigned long long> x)'],
  ['long unsigned int y;', '(decl global <long unsigned int> y)'],
  ['struct file *f;', '(decl global <struct file *> f)'],
  ['const char **argv;', '(decl global <char **> argv)'],
  ['char buf[16];', '(decl global <char [16]> buf)'],
  ['int x, *y, z[2];', '(decl global <int> x)\n(decl global <int *> y)\n(decl global <int [2]> z)'],
  ['int*x;', '(decl global <int *> x)'],
  ['uint64_t ts;', '(decl global <uint64_t> ts)'],
  ['inline int MAX = 10;', '(inline <int> MAX 10)'],
  ['inline string NAME = "x" ;', '(inline <string> NAME "x")'],
  ['inline int TWICE = MAX * 2;\nBEGIN { x = TWICE; }',
    '(inline <int> TWICE (* MAX 2))\n(clause (probes "BEGIN") (body (= x TWICE)))'],
  ['BEGIN { int x; self int y; this string s; x = 1; }',
    '(clause (probes "BEGIN") (body (decl global <int> x) (decl self <int> y) (decl this <string> s) (= x 1)))'],
  ['BEGIN { uint64_t t; size_t *p; }',
    '(clause (probes "BEGIN") (body (decl global <uint64_t> t) (decl global <size_t *> p)))'],
]);

describe('declarations with caller-supplied type names', () => {
  const isTypeName = (n: string): boolean => n === 'foo_t' || n === 'task_t';
  test('top-level and in a body', () => {
    assert.equal(sx('foo_t x;\nBEGIN { task_t *t; }', { isTypeName }),
      '(decl global <foo_t> x)\n(clause (probes "BEGIN") (body (decl global <task_t *> t)))');
  });
  test('casts', () => {
    assert.equal(stmt('x = (foo_t)y;', { isTypeName }), '(= x (cast <foo_t> y))');
    assert.equal(stmt('x = sizeof(task_t *);', { isTypeName }), '(= x (sizeof <task_t *>))');
  });
});

table('precedence and associativity', [
  ['a + b * c;', '(+ a (* b c))'],
  ['a * b + c;', '(+ (* a b) c)'],
  ['a - b - c;', '(- (- a b) c)'],
  ['a / b % c;', '(% (/ a b) c)'],
  ['a || b && c;', '(|| a (&& b c))'],
  ['a ^^ b || c;', '(|| (^^ a b) c)'],
  ['a && b ^^ c;', '(^^ (&& a b) c)'],
  ['a | b ^ c & d;', '(| a (^ b (& c d)))'],
  ['a & b == c;', '(& a (== b c))'],
  ['a == b < c;', '(== a (< b c))'],
  ['a != b >= c;', '(!= a (>= b c))'],
  ['a < b << c;', '(< a (<< b c))'],
  ['a << b + c;', '(<< a (+ b c))'],
  ['a >> b - c;', '(>> a (- b c))'],
  ['-a * b;', '(* (- a) b)'],
  ['!a == b;', '(== (! a) b)'],
  ['~a & +b;', '(& (~ a) (+ b))'],
  ['*p++;', '(* (post++ p))'],
  ['++*p;', '(++ (* p))'],
  ['&x->y;', '(& (-> x y))'],
  ['- -a;', '(- (- a))'],
  ['x++ + ++y;', '(+ (post++ x) (++ y))'],
  ['x-- - --y;', '(- (post-- x) (-- y))'],
  ['(a + b) * c;', '(* (+ a b) c)'],
  ['a = b = c;', '(= a (= b c))'],
  ['a += b -= c <<= 2;', '(+= a (-= b (<<= c 2)))'],
  ['a *= b /= c %= d &= e |= f ^= g >>= h;', '(*= a (/= b (%= c (&= d (|= e (^= f (>>= g h)))))))'],
  ['a = b ? c : d;', '(= a (? b c d))'],
  ['a ? b : c ? d : e;', '(? a b (? c d e))'],
  ['a ? b ? c : d : e;', '(? a (? b c d) e)'],
  ['a || b ? c, d : e;', '(? (|| a b) (, c d) e)'],
  ['a, b = c, d;', '(, (, a (= b c)) d)'],
  ['(a) = 1;', '(= a 1)'],
  ['(a, b) = 1;', '(= (, a b) 1)'],
], stmt);

table('casts, sizeof, stringof, offsetof', [
  ['x = (int)y;', '(= x (cast <int> y))'],
  ['x = (x);', '(= x x)'],
  ['x = (x) + 1;', '(= x (+ x 1))'],
  ['x = (int)-y;', '(= x (cast <int> (- y)))'],
  ['x = (int)(char)y;', '(= x (cast <int> (cast <char> y)))'],
  ['x = -(int)y;', '(= x (- (cast <int> y)))'],
  ['x = (int)y + z;', '(= x (+ (cast <int> y) z))'],
  ['x = (unsigned long long)arg0;', '(= x (cast <unsigned long long> arg0))'],
  ['x = (struct file *)arg0;', '(= x (cast <struct file *> arg0))'],
  ['x = (const char *)arg1;', '(= x (cast <char *> arg1))'],
  ['x = (uint64_t)arg0;', '(= x (cast <uint64_t> arg0))'],
  ['x = (char [16])y;', '(= x (cast <char [16]> y))'],
  ['x = (string)arg0;', '(= x (cast <string> arg0))'],
  ['x = sizeof(int);', '(= x (sizeof <int>))'],
  ['x = sizeof(struct task_struct);', '(= x (sizeof <struct task_struct>))'],
  ['x = sizeof(y);', '(= x (sizeof y))'],
  ['x = sizeof y + 1;', '(= x (+ (sizeof y) 1))'],
  ['x = sizeof (y) * 2;', '(= x (* (sizeof y) 2))'],
  ['x = sizeof *p;', '(= x (sizeof (* p)))'],
  ['s = stringof(arg0);', '(= s (stringof arg0))'],
  ['s = stringof arg0;', '(= s (stringof arg0))'],
  ['s = stringof args[0]->name;', '(= s (stringof (-> (index args 0) name)))'],
  ['x = offsetof(struct file, f_path);', '(= x (offsetof <struct file> f_path))'],
], stmt);

table('primaries and postfix', [
  ['x = *self->p;', '(= x (* self->p))'],
  ['y = args[0]->f_path.dentry->d_name.name;', '(= y (. (-> (. (-> (index args 0) f_path) dentry) d_name) name))'],
  ['@[execname, pid] = count();', '(= (@ execname pid) (call count))'],
  ['@a[probefunc] = quantize(arg2);', '(= (@a probefunc) (call quantize arg2))'],
  ['@bytes = sum(arg0);', '(= @bytes (call sum arg0))'],
  ['printf("%s %d\\n", execname, pid);', '(call printf "%s %d\\n" execname pid)'],
  ['x = 0x10ULL;', '(= x 16ull)'],
  ["c = '\\n';", '(= c 10)'],
  ["c = 'a';", '(= c 97)'],
  ['self->x[k1, k2] = 1;', '(= (index self->x k1 k2) 1)'],
  ['this->x = self->y;', '(= this->x self->y)'],
  ['self->string = 1;', '(= self->string 1)'],
  ['x = a.int;', '(= x (. a int))'],
  ['self->ts[tid]++;', '(post++ (index self->ts tid))'],
  ['x = $1 + $target + $pid;', '(= x (+ (+ $1 $target) $pid))'],
  ['s = $$1;', '(= s $$1)'],
  ['x = a[1][2];', '(= x (index (index a 1) 2))'],
  ['x = f()[0];', '(= x (index (call f) 0))'],
  ['trace(x);', '(call trace x)'],
  ['exit(0);', '(call exit 0)'],
  ['x = vmlinux`jiffies;', '(= x vmlinux`jiffies)'],
], stmt);

table('statements', [
  ['if (x) y = 1;', '(if x (= y 1))'],
  ['if (x) y = 1; else y = 2;', '(if x (= y 1) (= y 2))'],
  ['if (x) { y = 1; } else { y = 2 }', '(if x (block (= y 1)) (block (= y 2)))'],
  ['if (a) if (b) c = 1; else d = 2;', '(if a (if b (= c 1) (= d 2)))'],
  ['if (a) { } else if (b) { c = 1 } else ;', '(if a (block) (if b (block (= c 1)) (empty)))'],
  ['{ x = 1; { y = 2 } }', '(block (= x 1) (block (= y 2)))'],
  ['if (x) y = 1', '(if x (= y 1))'],
], stmt);

describe('exact node shapes', () => {
  test('integer literal fields', () => {
    const prog = parseProgram('BEGIN { x = 0x10ULL; }');
    assert.deepEqual(stripPos(prog), {
      kind: 'program',
      items: [{
        kind: 'clause',
        probes: [{ kind: 'probedesc', text: 'BEGIN' }],
        body: [{
          kind: 'exprstmt',
          expr: {
            kind: 'assign', op: '=',
            target: { kind: 'ident', name: 'x' },
            value: { kind: 'int', value: 16n, unsigned: true, longs: 2, text: '0x10ULL' },
          },
        }],
      }],
    });
  });
  test('declaration with keys, pragma, macro and aggregation', () => {
    const prog = parseProgram('#pragma D option quiet\nself int a[string];\nBEGIN { @c[$$1] = count(); }');
    assert.deepEqual(stripPos(prog.items), [
      { kind: 'pragma', option: 'quiet' },
      {
        kind: 'decl', scope: 'self', name: 'a',
        type: { kind: 'type', base: 'int', pointers: 0, dims: [] },
        keys: [{ kind: 'type', base: 'string', pointers: 0, dims: [] }],
      },
      {
        kind: 'clause',
        probes: [{ kind: 'probedesc', text: 'BEGIN' }],
        body: [{
          kind: 'exprstmt',
          expr: {
            kind: 'assign', op: '=',
            target: { kind: 'agg', name: 'c', keys: [{ kind: 'macro', name: '1', quoted: true }] },
            value: { kind: 'call', callee: 'count', args: [] },
          },
        }],
      },
    ]);
  });
  test('positions: clause at its first probe, operators at the operator', () => {
    const prog = parseProgram('\n  syscall::read:entry\n/pid == 1/\n{\n  x = a + b;\n}');
    const clause = prog.items[0];
    assert.ok(clause.kind === 'clause');
    assert.deepEqual(clause.pos, { line: 2, col: 3, offset: 3 });
    assert.deepEqual(clause.probes[0].pos, clause.pos);
    assert.deepEqual(clause.predicate?.pos, { line: 3, col: 6, offset: 28 });
    const s = clause.body[0];
    assert.ok(s.kind === 'exprstmt' && s.expr.kind === 'assign' && s.expr.value.kind === 'binary');
    assert.deepEqual(s.pos, { line: 5, col: 3, offset: 38 });
    assert.deepEqual(s.expr.pos, { line: 5, col: 5, offset: 40 });
    assert.deepEqual(s.expr.value.pos, { line: 5, col: 9, offset: 44 });
  });
});

describe('a large script', () => {
  // (its parse time is measured by `npm run bench`, not here: a timed test fails on a busy machine)
  test('a 50-clause script parses into 50 clauses', () => {
    const clause = (i: number): string => `syscall::read${i}:entry, syscall::write${i}:entry
/pid == $target && execname != "sshd" && arg2 > ${i}/
{
  self->ts[tid] = timestamp;
  @bytes[execname, probefunc] = sum(arg2);
  @lat = quantize((timestamp - self->ts[tid]) / 1000);
  printf("%s %d %d\\n", stringof(args[0]->f_path.dentry->d_name.name), pid, (int)arg0);
  if (arg0 > 0) { this->x = arg0 * 2 + ${i}; } else { this->x = 0 }
}
`;
    const src = Array.from({ length: 50 }, (_, i) => clause(i)).join('\n');
    assert.equal(parseProgram(src).items.length, 50);
  });
});
