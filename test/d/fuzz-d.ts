// The D compiler fuzzer's parts: a seeded PRNG, a corpus of valid programs, the mutators that derive each
// case from (seed, index) alone (so any case can be regenerated to reproduce it), and one compile step
// that classifies an input as compiled, rejected with a DError, or too broad to compile quickly.
import { parseProgram } from '../../d/parser.js';
import { DError } from '../../d/errors.js';
import { ProbeTable } from '../../kmod/probes/table.js';
import { compile, matchClauses, type CompileOptions } from '../../kmod/codegen/compile.js';
import type { CompiledProgram } from '../../kmod/codegen/plan.js';
import { assemble } from '../../kmod/asm/assemble.js';
import { BtfTypes } from '../../kmod/btf/dtypes.js';
import { loadKernelBtf } from '../../kmod/btf/kernel.js';

/** mulberry32: small, fast, good enough to drive mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The PRNG of case `index` of run `seed`. */
export function caseRng(seed: number, index: number): () => number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f);
  return prng(h ^ (h >>> 15));
}

/** Valid programs using most of D: every one of them compiles (a test checks it). */
export const CORPUS: readonly string[] = [
  'BEGIN { x = 1; y = x + 2 * 3; printf("%d %d\\n", x, y); exit(0); }',
  'syscall::getppid:entry /pid == $target/ { @calls[execname] = count(); }',
  'syscall::read:entry { self->ts = timestamp; } syscall::read:return /self->ts/ { @lat = quantize(timestamp - self->ts); self->ts = 0; }',
  'syscall::open:entry { printf("%s %d\\n", copyinstr(arg0), arg1); }',
  'syscall::write:entry /arg2 > 10/ { @bytes[pid, probefunc] = sum(arg2); }',
  'BEGIN { a["x", 1] = 5; a["y", 2] += a["x", 1] * 2; trace(a["y", 2]); a["x", 1] = 0; }',
  'BEGIN { i = 0; i++; i += 5; i <<= 2; i = i > 10 ? i - 10 : -i; printf("%d", i); }',
  'END { printf("%-10s|%5d|%x|%c|%%\\n", "end", 42, 255, 65); }',
  'syscall::getppid:return /arg0 != 0 && errno == 0/ { this->r = arg0; trace(this->r); trace(ppid); }',
  'BEGIN { s = "hello"; t = strjoin(s, " world"); printf("%s %d\\n", t, strlen(t)); }',
  'BEGIN { if (walltimestamp > 0) { printf("yes\\n"); } else { printf("no\\n"); } }',
  'syscall::getppid:entry { @m = max(arg0); @n = min(arg0); @a = avg(arg0); @s = stddev(arg0); }',
  'syscall::read:entry { @h[probefunc] = lquantize(arg2, 0, 1000, 100); }',
  'ERROR { printf("%d %d %d %d %x\\n", arg1, arg2, arg3, arg4, arg5); } BEGIN { trace(*(int *)0); }',
  'BEGIN { x = (char)300 + (short)70000 + (unsigned)-1 + (int64_t)-5; trace(x); trace((uint8_t)x); }',
  'syscall::getppid:entry { @c[execname] = count(); } tick-1s { printa("%s %@d\\n", @c); clear(@c); }',
  'profile-97 /cpu == 0/ { @[curthread->pid] = count(); }',
  'BEGIN { x = 1 << 3 | 2 & 7 ^ 5; y = ~x; z = !x; trace(x + y + z); trace(x >> 1); trace(x % 3); }',
  'syscall::getppid:entry /uid == 0 || gid == 0/ { printf("%d %d %d %d\\n", pid, tid, uid, gid); }',
  'BEGIN { printf("%s %s %s %s %d %d\\n", probeprov, probemod, probefunc, probename, id, epid); }',
  'syscall::open:entry { self->p = arg0; } syscall::open:return /self->p/ { printf("%s %d\\n", copyinstr(self->p), (int)arg0); self->p = 0; }',
  'BEGIN { trace(stringof(curthread->comm)); trace(curthread->pid); }',
  'inline int LIMIT = 5; BEGIN { x = LIMIT * 2; trace(x); }',
  'int g; BEGIN { g = 3; g *= g; printf("%d\\n", g); }',
  'BEGIN { @q = quantize(1); @q = quantize(1000); } END { printa(@q); trunc(@q, 1); }',
  'syscall::getppid:entry { self->spec = speculation(); } syscall::getppid:entry /self->spec/ { speculate(self->spec); printf("%d\\n", arg0); } syscall::getppid:return /self->spec/ { commit(self->spec); self->spec = 0; }',
  'BEGIN { printf("%d %s\\n", $1, $$2); }',
  'BEGIN { trace(sizeof(int)); trace(offsetof(struct task_struct, pid) > 0); }',
  'syscall::read:entry /args[2] > 0/ { printf("%d %d\\n", args[0], args[2]); stack(); }',
  'BEGIN { printf("%u %i %o %X %p\\n", 1, 2, 3, 4, 5); } BEGIN { exit(1); }',
  'BEGIN { x = 5; if (x > 1) { if (x > 2) { y = 1; } else { y = 2; } } else y = 3; trace(y); }',
  'sdt:sched::sched_switch { @[execname] = count(); }',
  'syscall::getppid:entry /execname == "trigger" && probefunc != "x"/ { printf("%s\\n", execname); }',
  'BEGIN { s = "abc"; t = s < "abd" ? "lt" : "ge"; printf("%s %d\\n", t, s == "abc"); }',
  'BEGIN { s = substr("hello world", 6); printf("%s %d %d\\n", s, index(s, "or"), strlen(s)); }',
  'syscall::getppid:entry { @[execname, probefunc] = count(); @t = sum(1); } END { printa("%-20s %-10s %@8d\\n", @); printa(@t); }',
];

const OPERATORS = [
  '+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '&&', '||', '^^', '==', '!=', '<', '<=', '>', '>=', '=', '+=', '-=',
  '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '++', '--', '!', '~', '?', ':', '->', '.', ',', ';', '(', ')', '[', ']',
  '{', '}', '@', '$', '`', '#', '\\',
];
const IDENTS = [
  'x', 'y', 'z', 'n', 'self', 'this', 'self->x', 'this->y', 'pid', 'tid', 'ppid', 'uid', 'gid', 'execname', 'probefunc',
  'probename', 'probemod', 'probeprov', 'timestamp', 'walltimestamp', 'vtimestamp', 'arg0', 'arg1', 'arg5', 'arg9', 'args',
  'args[0]', 'args[7]', 'errno', 'curthread', 'curthread->comm', 'cpu', 'epid', 'id', 'printf', 'trace', 'exit', 'printa',
  'count', 'sum', 'max', 'min', 'avg', 'quantize', 'lquantize', 'llquantize', 'stddev', 'copyinstr', 'stringof', 'strjoin',
  'strlen', 'substr', 'index', 'speculation', 'speculate', 'commit', 'discard', 'clear', 'trunc', 'stack', 'ustack', 'sizeof',
  'offsetof', 'int', 'char', 'short', 'long', 'unsigned', 'signed', 'string', 'struct', 'task_struct', 'union', 'enum', 'void',
  'inline', 'if', 'else', 'BEGIN', 'END', 'ERROR', 'NULL', '@a', '@', '$target', '$1', '$$1', '$9', '$pid', 'typedef',
  'xlate', 'translator', 'provider', 'probe', 'nosuchvar', 'nosuchfunc', 'vmlinux`jiffies', '`max_pfn', 'tick-1s',
  'syscall::getppid:entry', 'syscall::nosuch:entry', 'dtrace:::BEGIN', ':::', 'syscall::open*:', 'sdt:sched::sched_switch',
];
const LITERALS = [
  '0', '1', '-1', '7', '255', '2147483647', '2147483648', '-2147483648', '4294967295', '4294967296', '0x7fffffff',
  '0xffffffffffffffff', '18446744073709551615', '18446744073709551616', '99999999999999999999999', '0x', '0777', '08',
  '1.5', '1e3', '1U', '1L', '1UL', '1ULL', '1LL', '1ul', '3u', "'a'", "'\\n'", "'\\0'", "''", "'ab'", "'abcdefghi'", '"str"',
  '""', '"%d%s%%"', '"%d"', '"%s"', '"%@d"', '"%*d"', '"%q"', '"%"', '"esc\\n\\t\\"\\\\"', '"\\x41\\101"', '"unterminated',
  "'unterminated", '/*', '*/', '/* comment */',
];

/** Tokens of D source, whitespace and comments included, so that joining them gives the source back. */
export function tokens(src: string): string[] {
  return src.match(
    /\s+|\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|0[xX][0-9a-fA-F]*\w*|\d+\w*|[A-Za-z_]\w*|->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||\^\^|[-+*/%&|^]=|[\s\S]/g,
  ) ?? [];
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function randomToken(r: Rng): string {
  const k = r();
  if (k < 0.35) return pick(r, OPERATORS);
  if (k < 0.7) return pick(r, IDENTS);
  if (k < 0.95) return pick(r, LITERALS);
  return String.fromCharCode(int(r, 0, 127));
}

/** One token-level edit; whitespace tokens are not chosen as targets. */
function mutateTokens(r: Rng, src: string, edits: number): string {
  const t = tokens(src);
  for (let e = 0; e < edits && t.length; e++) {
    const solid = t.map((s, i) => (/^\s/.test(s) ? -1 : i)).filter((i) => i >= 0);
    if (!solid.length) break;
    const i = pick(r, solid);
    switch (int(r, 0, 7)) {
      case 0: t.splice(i, 1); break; // delete
      case 1: t.splice(i, 0, t[i]); break; // duplicate
      case 2: { // swap with another token
        const j = pick(r, solid);
        [t[i], t[j]] = [t[j], t[i]];
        break;
      }
      case 3: t[i] = pick(r, OPERATORS); break;
      case 4: t[i] = pick(r, IDENTS); break;
      case 5: t[i] = pick(r, LITERALS); break;
      case 6: t.splice(i, 0, randomToken(r), ' '); break; // insert
      default: { // swap operators only
        if (OPERATORS.includes(t[i])) t[i] = pick(r, OPERATORS);
        else t.splice(i, 1, t[i], ' ', randomToken(r));
      }
    }
  }
  return t.join('');
}

const CHARS = '(){}[]/;:,."\'\\*+-=<>!&|^~?@$`#\n\t 0123456789abcxyz_';

function mutateChars(r: Rng, src: string, edits: number): string {
  let s = src;
  for (let e = 0; e < edits; e++) {
    const i = int(r, 0, Math.max(0, s.length - 1));
    switch (int(r, 0, 3)) {
      case 0: s = s.slice(0, i) + s.slice(i + 1); break;
      case 1: s = s.slice(0, i) + s[i] + s.slice(i); break;
      case 2: s = s.slice(0, i) + pick(r, [...CHARS]) + s.slice(i + 1); break;
      default: s = s.slice(0, i) + pick(r, [...CHARS]) + s.slice(i);
    }
  }
  return s;
}

function splice(r: Rng, a: string, b: string): string {
  const k = r();
  if (k < 0.3) return `${a}\n${b}`; // two valid programs in one
  const ta = tokens(a);
  const tb = tokens(b);
  return [...ta.slice(0, int(r, 0, ta.length)), ...tb.slice(int(r, 0, tb.length))].join('');
}

/** A deeply nested (or very long) expression or statement list, `depth` levels. */
function nested(r: Rng, depth: number): string {
  switch (int(r, 0, 9)) {
    case 0: return `BEGIN { x = ${'('.repeat(depth)}1${')'.repeat(depth)}; trace(x); }`;
    case 1: return `BEGIN { x = ${'-'.repeat(depth).split('').join(' ')} 1; trace(x); }`;
    case 2: return `BEGIN { x = ${'!~'.repeat(depth)}1; trace(x); }`;
    case 3: return `BEGIN { x = 1; trace(${Array(depth).fill('x').join(' + ')}); }`;
    case 4: return `BEGIN { x = 1; trace(${'x ? '.repeat(depth)}1${' : 2'.repeat(depth)}); }`;
    case 5: return `BEGIN { x = 1; ${'if (x) { '.repeat(depth)}y = 2;${' }'.repeat(depth)} trace(y); }`;
    case 6: return `BEGIN { a[0] = 0; trace(${'a['.repeat(depth)}0${']'.repeat(depth)}); }`;
    case 7: return `BEGIN { trace(${'(int)'.repeat(depth)}1); }`;
    case 8: {
      const d = Math.min(depth, 200);
      return `BEGIN { trace(strlen(${'strjoin("a", '.repeat(d)}"b"${')'.repeat(d)})); }`;
    }
    default: return `BEGIN { ${Array(depth).fill('x++;').join(' ')} trace(x); }`;
  }
}

/** Case `index` of run `seed`: a corpus program, mutated, spliced or nested; never anything else. */
export function makeCase(seed: number, index: number): string {
  return makeCaseInfo(seed, index).src;
}

/** The case and, when it was built by nesting, how deep. */
export function makeCaseInfo(seed: number, index: number): { src: string; nesting: number } {
  const r = caseRng(seed, index);
  const base = pick(r, CORPUS);
  const k = r();
  let src: string;
  let nesting = 0;
  if (k < 0.4) src = mutateTokens(r, base, int(r, 1, 4));
  else if (k < 0.55) src = mutateChars(r, base, int(r, 1, 4));
  else if (k < 0.7) src = splice(r, base, pick(r, CORPUS));
  else if (k < 0.8) {
    src = tokens(base).map((t) => (OPERATORS.includes(t) && r() < 0.3 ? pick(r, OPERATORS) : t)).join('');
  } else if (k < 0.9) {
    src = tokens(base).map((t) => {
      if (/^[A-Za-z_]/.test(t) && r() < 0.2) return pick(r, IDENTS);
      if (/^['"\d]/.test(t) && r() < 0.4) return pick(r, LITERALS);
      return t;
    }).join('');
  } else {
    nesting = r() < 0.7 ? int(r, 1, 64) : int(r, 65, 1500);
    src = nested(r, nesting);
  }
  if (r() < 0.15) src = mutateTokens(r, src, 1);
  return { src, nesting };
}

export type Outcome =
  | { kind: 'compiled'; compiled: CompiledProgram }
  | { kind: 'derror'; message: string }
  | { kind: 'broad'; probes: number };

export interface Compiler {
  table: ProbeTable;
  opts: CompileOptions;
}

/** One table and one BTF reader for every case (both are costly to build). */
export function makeCompiler(): Compiler {
  return {
    table: new ProbeTable(),
    opts: {
      strsize: 256, bufsize: 1 << 16, dynvarMax: 1024, aggMax: 1024,
      macros: { pid: 4242, target: 4243, ppid: 1, 0: 'fuzz.d', 1: '42', 2: 'str' },
      types: new BtfTypes(() => loadKernelBtf()),
    },
  };
}

/** More matched probes than this and the case is skipped: `entry` alone matches tens of thousands. */
export const MAX_PROBES = 64;

/**
 * Parses, matches, checks, generates and assembles `src`. Returns what happened; throws anything that is
 * not a DError (the caller reports it), or an Error naming a malformed DError or assembly.
 */
export function compileCase(c: Compiler, src: string): Outcome {
  let compiled: CompiledProgram;
  try {
    const program = parseProgram(src);
    const { probes } = matchClauses(program, c.table, c.opts.macros);
    const n = probes.reduce((s, p) => s + p.length, 0);
    if (n > MAX_PROBES) return { kind: 'broad', probes: n };
    compiled = compile(program, c.table, c.opts);
  } catch (e) {
    if (!(e instanceof DError)) throw e;
    const problem = badMessage(e);
    if (problem) throw new Error(`malformed DError (${problem}): ${JSON.stringify(e.message)}`);
    return { kind: 'derror', message: e.message };
  }
  const maps = new Set(compiled.maps.map((m) => m.name));
  for (const plan of compiled.programs) {
    const { bytes } = assemble(plan.items, (name) => {
      if (!maps.has(name)) throw new Error(`program for ${plan.name} references map ${name}, which the session does not create`);
      return 1000;
    });
    if (bytes.length === 0 || bytes.length % 8) throw new Error(`program ${plan.name} assembled to ${bytes.length} bytes`);
  }
  return { kind: 'compiled', compiled };
}

function badMessage(e: DError): string | undefined {
  if (!e.message.trim()) return 'empty message';
  if (/[\n\r]/.test(e.message)) return 'more than one line';
  if (/\[object \w+\]|\bNaN\b|\bundefined \(/.test(e.message)) return 'a JavaScript value leaked into the text';
  if (e.pos && !(e.pos.line >= 1 && e.pos.col >= 1 && e.pos.offset >= 0)) return `bad position ${JSON.stringify(e.pos)}`;
  return undefined;
}

/** A failure of one case: what was thrown, for which input. */
export interface Failure {
  index: number;
  input: string;
  nesting: number;
  type: string;
  message: string;
  stack: string;
}

/**
 * Product bugs the fuzzer already found, each with its own todo test: the main fuzz test passes over
 * them so that it still catches anything new.
 */
export const KNOWN_BUGS: readonly { id: string; todo: string; matches: (f: Failure) => boolean }[] = [];

