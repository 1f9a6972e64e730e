// The D checker: resolves names (builtins, variables, inlines, macros), infers variable and aggregation
// types, and gives every expression a type.
import type { Clause, Expr, Ident, MacroVar, Program, Stmt, TypeName, Pos, AggVar, Call } from './ast.js';
import { DError } from './errors.js';
import { checkPrintfArgs, type PrintfFormat } from './printf-format.js';
import { printfArgType } from './printf-args.js';
import type { KernelTypes, MemberInfo } from './kernel-types.js';
import { builtinVars } from './builtins.js';
import { aggFunctions, isAction, isAggFunction, isSubroutine, actions, subroutines, type AggFnName } from './functions.js';
import {
  builtinIntTypes, int32, int64, uint64, isInt, isString, promote, stringOf, typeName, voidType, char,
  type DType, type IntType,
} from './types.js';

export type VarScope = 'global' | 'self' | 'this';

export interface VarInfo {
  name: string;
  scope: VarScope;
  type: DType;
  /** Key types for associative arrays. */
  keys?: DType[];
  id: number;
}

export interface AggInfo {
  name: string;
  fn: AggFnName;
  keys: DType[];
  /** Constant parameters of lquantize/llquantize (after the value). */
  params: bigint[];
  id: number;
  pos: Pos;
}

export interface CheckOptions {
  /** Bytes of a D string (the strsize option). */
  strsize: number;
  /** Values of $target, $pid, $1...: numbers for integers, strings for $$N. */
  macros: Record<string, string | number | bigint | undefined>;
  /** Types of arg0..argN / args[] per clause index, when the probes give them. */
  argTypes?: (clause: number) => DType[] | undefined;
  /** The kernel's types (BTF), for struct members, casts and curthread. */
  types?: KernelTypes;
  /** Give every string aggregation key strsize bytes (so keys keep their shape as clauses are added). */
  wideStringKeys?: boolean;
}

/** What the checker learned: types of expressions and resolution of names. */
export interface Sema {
  options: Map<string, string | true>;
  clauses: Clause[];
  vars: Map<string, VarInfo>;
  aggs: Map<string, AggInfo>;
  typeOf(e: Expr): DType;
  /** What an identifier or macro stands for. */
  resolved: Map<Expr, Resolved>;
  /** printf() formats with their conversions bound to the argument types. */
  printf: Map<Call, PrintfFormat>;
  /** Struct members that `.`/`->` expressions select. */
  members: Map<Expr, MemberInfo>;
  strsize: number;
}

export type Resolved =
  | { kind: 'builtin'; name: string }
  | { kind: 'var'; v: VarInfo }
  | { kind: 'const'; value: bigint; type: IntType }
  | { kind: 'string'; value: string }
  | { kind: 'inline'; expr: Expr };

const varKey = (scope: VarScope, name: string) => `${scope}:${name}`;

/** Builtins read from the current task_struct, as member paths from curthread. */
const taskPaths: Record<string, string> = {
  ppid: '->real_parent->tgid',
  vtimestamp: '->se.sum_exec_runtime',
};

function memberChain(path: string, pos: Pos): Expr {
  let e: Expr = { kind: 'ident', name: 'curthread', pos };
  for (const [, op, field] of path.matchAll(/(->|\.)(\w+)/g)) e = { kind: 'member', object: e, field, arrow: op === '->', pos };
  return e;
}

export function check(program: Program, opts: CheckOptions): Sema {
  return new Checker(program, opts).run();
}

class Checker {
  private types = new Map<Expr, DType>();
  private resolved = new Map<Expr, Resolved>();
  private printf = new Map<Call, PrintfFormat>();
  private members = new Map<Expr, MemberInfo>();
  private vars = new Map<string, VarInfo>();
  private aggs = new Map<string, AggInfo>();
  private inlines = new Map<string, { type: DType; expr: Expr }>();
  private options = new Map<string, string | true>();
  private clauses: Clause[] = [];
  private clauseIndex = 0;
  /** First pass only collects variable types; errors about unknown names wait for the second. */
  private collecting = false;

  constructor(private program: Program, private opts: CheckOptions) {}

  run(): Sema {
    for (const item of this.program.items) {
      if (item.kind === 'pragma') this.options.set(item.option, item.value ?? true);
      else if (item.kind === 'clause') this.clauses.push(item);
      else if (item.kind === 'decl') this.declare(item.scope, item.name, this.resolveType(item.type), item.keys?.map((k) => this.resolveType(k)), item.pos);
      else if (item.kind === 'inline') {
        const type = this.resolveType(item.type);
        this.expr(item.value);
        this.inlines.set(item.name, { type, expr: item.value });
      }
    }
    this.collecting = true;
    this.walkClauses();
    this.collecting = false;
    this.types.clear();
    this.resolved.clear();
    this.walkClauses();
    const types = this.types;
    return {
      options: this.options, clauses: this.clauses, vars: this.vars, aggs: this.aggs, resolved: this.resolved,
      printf: this.printf, members: this.members,
      strsize: this.opts.strsize,
      typeOf: (e) => {
        const t = types.get(e);
        if (!t) throw new Error(`checker: no type for ${e.kind} at ${e.pos.line}:${e.pos.col}`);
        return t;
      },
    };
  }

  private walkClauses(): void {
    for (const item of this.program.items) {
      if (item.kind !== 'inline') continue;
      const vt = this.expr(item.value);
      const want = this.inlines.get(item.name)?.type;
      if (want && isString(want) !== isString(vt)) {
        this.error(`inline ${item.name}: operands have incompatible types: "${typeName(want)}" = "${typeName(vt)}"`, item.value.pos);
      }
    }
    this.clauses.forEach((c, i) => {
      this.clauseIndex = i;
      if (c.predicate) this.expr(c.predicate);
      for (const s of c.body) this.stmt(s);
    });
  }

  private error(msg: string, pos: Pos): never {
    throw new DError(msg, pos);
  }

  private declare(scope: VarScope, name: string, type: DType, keys: DType[] | undefined, pos: Pos): VarInfo {
    const k = varKey(scope, name);
    const have = this.vars.get(k);
    if (have) {
      if (typeName(have.type) !== typeName(type) && !(isInt(have.type) && isInt(type)) &&
        !(isString(have.type) && isString(type))) {
        this.error(`operands have incompatible types: "${typeName(have.type)}" = "${typeName(type)}"`, pos);
      }
      return have;
    }
    if (isString(type)) type = stringOf(this.opts.strsize);
    const v: VarInfo = { name, scope, type, keys: keys?.map((t) => (isString(t) ? stringOf(this.opts.strsize) : t)), id: this.vars.size };
    this.vars.set(k, v);
    return v;
  }

  resolveType(t: TypeName): DType {
    let base: DType;
    if (t.base === 'string') base = stringOf(this.opts.strsize);
    else if (t.base === 'void') base = voidType;
    else if (builtinIntTypes[t.base]) base = builtinIntTypes[t.base];
    else {
      const k = this.opts.types?.named(t.base);
      if (!k) this.error(`${t.base} is not a known type${this.opts.types ? '' : ' (no kernel type information)'}`, t.pos);
      base = k;
    }
    for (let i = 0; i < t.pointers; i++) base = { kind: 'ptr', to: base, name: typeName(base) + ' *' };
    if (t.dims.length) {
      if (base.kind === 'int' && base.size === 1) return stringOf(t.dims[0]);
      this.error(`arrays of ${typeName(base)} are not supported`, t.pos);
    }
    return base;
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'exprstmt':
        this.expr(s.expr, true);
        return;
      case 'if':
        this.expr(s.cond);
        this.stmt(s.then);
        if (s.else) this.stmt(s.else);
        return;
      case 'block':
        for (const b of s.body) this.stmt(b);
        return;
      case 'decl':
        this.declare(s.scope, s.name, this.resolveType(s.type), s.keys?.map((k) => this.resolveType(k)), s.pos);
        return;
      case 'empty':
        return;
    }
  }

  private set(e: Expr, t: DType): DType {
    this.types.set(e, t);
    return t;
  }

  /** Types `e`; `statement` is true when its value is discarded (actions are allowed there). */
  expr(e: Expr, statement = false): DType {
    switch (e.kind) {
      case 'int': {
        const big = e.value > 0x7fffffffn || e.longs > 0;
        const t: IntType = e.unsigned ? (big ? uint64 : { ...int32, signed: false, name: 'unsigned int' }) : big ? int64 : int32;
        return this.set(e, e.value > 0x7fffffffffffffffn ? uint64 : t);
      }
      case 'str':
        return this.set(e, stringOf(this.opts.strsize));
      case 'ident':
        return this.set(e, this.ident(e));
      case 'macro':
        return this.set(e, this.macro(e));
      case 'self':
      case 'this': {
        const t = this.variable(e.kind, e.name, e.pos);
        const v = this.vars.get(varKey(e.kind, e.name));
        if (v) this.resolved.set(e, { kind: 'var', v });
        return this.set(e, t);
      }
      case 'agg':
        this.error('aggregations may only be assigned a value with an aggregating function such as count()', e.pos);
      // falls through (never returns)
      case 'index':
        return this.set(e, this.index(e));
      case 'call':
        return this.set(e, this.call(e, statement));
      case 'member':
        return this.set(e, this.member(e));
      case 'unary':
        return this.set(e, this.unary(e));
      case 'postfix': {
        this.implicitInt(e.operand);
        const t = this.expr(e.operand);
        this.lvalue(e.operand);
        if (!isInt(t) && t.kind !== 'ptr') this.error(`operator ${e.op} requires an integer or pointer operand`, e.pos);
        return this.set(e, t);
      }
      case 'binary':
        return this.set(e, this.binary(e));
      case 'assign':
        return this.set(e, this.assign(e));
      case 'ternary': {
        this.scalar(this.expr(e.cond), e.cond.pos, '?:');
        const a = this.expr(e.then);
        const b = this.expr(e.else);
        if (isString(a) && isString(b)) return this.set(e, stringOf(Math.max(a.maxLen, b.maxLen)));
        if (isString(a) !== isString(b)) this.error('operator ?: operands must have compatible types', e.pos);
        return this.set(e, isInt(a) && isInt(b) ? promote(a, b) : a);
      }
      case 'cast': {
        const from = this.expr(e.operand);
        const to = this.resolveType(e.type);
        if (isString(from) && !isString(to)) this.error(`invalid cast: cannot cast from string to ${typeName(to)}`, e.pos);
        return this.set(e, to);
      }
      case 'sizeof': {
        let size: number;
        if (e.type) {
          const t = this.resolveType(e.type);
          size = t.kind === 'int' ? t.size : t.kind === 'ptr' ? 8 : t.kind === 'string' ? t.maxLen : t.kind === 'btf' ? t.size : 0;
        } else {
          const t = this.expr(e.operand!);
          size = t.kind === 'int' ? t.size : t.kind === 'ptr' ? 8 : t.kind === 'string' ? t.maxLen : t.kind === 'btf' ? t.size : 0;
        }
        this.resolved.set(e, { kind: 'const', value: BigInt(size), type: { ...uint64, name: 'size_t' } });
        return this.set(e, { ...uint64, name: 'size_t' });
      }
      case 'offsetof': {
        const t = this.resolveType(e.type);
        const m = this.opts.types?.member(t, e.member);
        if (!m) this.error(`${typeName(t)} has no member named ${e.member}`, e.pos);
        this.resolved.set(e, { kind: 'const', value: BigInt(m.offset), type: { ...uint64, name: 'size_t' } });
        return this.set(e, { ...uint64, name: 'size_t' });
      }
    }
  }

  private member(e: Extract<Expr, { kind: 'member' }>): DType {
    let t = this.expr(e.object);
    if (e.arrow) {
      if (t.kind !== 'ptr') this.error(`operator -> cannot be applied to a non-pointer type: ${typeName(t)}`, e.pos);
      t = t.to;
    }
    if (t.kind !== 'btf' || (t.shape !== 'struct' && t.shape !== 'union')) {
      this.error(`operator ${e.arrow ? '->' : '.'} cannot be applied to type ${typeName(t)}${e.arrow ? ' *' : ''}: it is not a struct or union`, e.pos);
    }
    const m = this.opts.types?.member(t, e.field);
    if (!m) this.error(`${t.name} has no member named ${e.field}`, e.pos);
    this.members.set(e, m);
    return m.type;
  }

  private scalar(t: DType, pos: Pos, op: string): void {
    if (!isInt(t) && t.kind !== 'ptr') this.error(`operator ${op} requires an operand of scalar type`, pos);
  }

  private ident(e: Ident): DType {
    const b = builtinVars.get(e.name);
    if (b) {
      this.resolved.set(e, { kind: 'builtin', name: e.name });
      if (e.name === 'curthread') {
        const task = this.opts.types?.task();
        if (task) return { kind: 'ptr', to: task, name: 'struct task_struct *' };
      }
      const via = taskPaths[e.name];
      if (via && this.opts.types) {
        // Builtins that are fields of the current task: checked (and generated) as the member chain.
        const expr = memberChain(via, e.pos);
        this.expr(expr);
        this.resolved.set(e, { kind: 'inline', expr });
        return b.type;
      }
      return b.type;
    }
    const inl = this.inlines.get(e.name);
    if (inl) {
      this.resolved.set(e, { kind: 'inline', expr: inl.expr });
      return inl.type;
    }
    const v = this.vars.get(varKey('global', e.name));
    if (v) {
      if (v.keys) this.error(`${e.name} is an associative array: it must be indexed`, e.pos);
      this.resolved.set(e, { kind: 'var', v });
      return v.type;
    }
    const k = this.opts.types?.enumConst(e.name);
    if (k) {
      this.resolved.set(e, { kind: 'const', value: k.value, type: k.type });
      return k.type;
    }
    if (e.name === 'NULL') {
      this.resolved.set(e, { kind: 'const', value: 0n, type: int64 });
      return { kind: 'ptr', to: voidType, name: 'void *' };
    }
    if (this.collecting) return int64;
    this.error(`failed to resolve ${e.name}: Unknown variable name`, e.pos);
  }

  private macro(e: MacroVar): DType {
    const name = e.name.replace(/^\$+/, '');
    const value = this.opts.macros[name];
    if (value === undefined) {
      if (name === 'target') this.error('$target is only defined with -c or -p', e.pos);
      if (/^\d+$/.test(name)) this.error(`macro argument ${e.quoted ? '$$' : '$'}${name} is not defined`, e.pos);
      this.error(`failed to resolve $${name}: Unknown macro variable`, e.pos);
    }
    if (e.quoted) {
      this.resolved.set(e, { kind: 'string', value: String(value) });
      return stringOf(this.opts.strsize);
    }
    const s = String(value);
    if (!/^(0x[0-9a-f]+|\d+|-\d+)$/i.test(s)) {
      // as DTrace's lexer: a macro argument that is not an integer stands for its text
      this.resolved.set(e, { kind: 'string', value: s });
      return stringOf(this.opts.strsize);
    }
    const big = BigInt(s);
    const type = big > 0x7fffffffn || big < -0x80000000n ? int64 : int32;
    this.resolved.set(e, { kind: 'const', value: big, type });
    return type;
  }

  private variable(scope: 'self' | 'this', name: string, pos: Pos): DType {
    const v = this.vars.get(varKey(scope, name));
    if (!v) {
      if (this.collecting) return int64;
      this.error(`${scope}->${name} has not yet been declared or assigned`, pos);
    }
    if (v.keys) this.error(`${scope}->${name} is an associative array: it must be indexed`, pos);
    return v.type;
  }

  private index(e: Extract<Expr, { kind: 'index' }>): DType {
    const keys = e.index.map((k) => this.expr(k));
    const o = e.object;
    if (o.kind === 'ident' && o.name === 'args') {
      if (e.index.length !== 1) this.error('args[] takes one index', e.pos);
      const types = this.opts.argTypes?.(this.clauseIndex);
      const k = e.index[0];
      if (k.kind !== 'int') this.error('args[] index must be an integer constant', k.pos);
      const n = Number(k.value);
      if (types && n >= types.length) this.error(`index ${n} is out of range for args[]`, k.pos);
      return types?.[n] ?? int64;
    }
    if (o.kind === 'ident' || o.kind === 'self') {
      const scope: VarScope = o.kind === 'self' ? 'self' : 'global';
      const v = this.vars.get(varKey(scope, o.kind === 'self' ? o.name : (o as Ident).name));
      if (!v) {
        if (this.collecting) return int64;
        this.error(`${scope === 'self' ? 'self->' : ''}${o.kind === 'self' ? o.name : (o as Ident).name} has not yet been declared or assigned`, e.pos);
      }
      if (!v.keys) this.error('operator [ ] may not be applied to a scalar variable', e.pos);
      this.keysMatch(v.keys, keys, e.pos);
      this.resolved.set(e, { kind: 'var', v });
      return v.type;
    }
    const ot = this.expr(o);
    if (e.index.length !== 1) this.error('operator [ ] takes one index here', e.pos);
    if (!isInt(keys[0])) this.error('operator [ ] index must be an integer', e.index[0].pos);
    if (ot.kind === 'ptr' && ot.to.kind !== 'void') return ot.to;
    if (ot.kind === 'btf' && ot.shape === 'array' && ot.elem) return ot.elem;
    if (ot.kind === 'string') return char;
    this.error(`operator [ ] cannot be applied to type ${typeName(ot)}`, e.pos);
  }

  private keysMatch(want: DType[], got: DType[], pos: Pos): void {
    if (want.length !== got.length) this.error(`associative array has ${want.length} key(s), but ${got.length} given`, pos);
    want.forEach((w, i) => {
      if (isString(w) !== isString(got[i])) this.error(`key #${i + 1} is ${typeName(got[i])}, expected ${typeName(w)}`, pos);
    });
  }

  private lvalue(e: Expr): void {
    if (e.kind === 'ident' || e.kind === 'self' || e.kind === 'this' || e.kind === 'index') {
      if (e.kind === 'ident' && (builtinVars.has(e.name) || this.inlines.has(e.name))) {
        this.error(`operator = requires a writable lvalue: ${e.name} is a built-in`, e.pos);
      }
      if (e.kind === 'index' && e.object.kind === 'ident' && e.object.name === 'args') {
        this.error('operator = requires a writable lvalue', e.pos);
      }
      return;
    }
    this.error('operator = requires a writable lvalue', e.pos);
  }

  private assign(e: Extract<Expr, { kind: 'assign' }>): DType {
    const t = e.target;
    if (t.kind === 'agg') return this.aggAssign(t, e.value, e.op, e.pos);
    if (e.op !== '=') this.implicitInt(t);
    const vt = this.expr(e.value);
    if (vt.kind === 'void') this.error('cannot assign the result of a void function', e.value.pos);
    this.lvalue(t);
    if (e.op !== '=' && isString(vt)) this.error(`operator ${e.op} requires integer operands`, e.pos);
    if (t.kind === 'ident') {
      const v = this.declare('global', t.name, vt, undefined, e.pos);
      this.resolved.set(t, { kind: 'var', v });
      return this.set(t, v.type);
    }
    if (t.kind === 'self' || t.kind === 'this') {
      const v = this.declare(t.kind, t.name, vt, undefined, e.pos);
      this.resolved.set(t, { kind: 'var', v });
      return this.set(t, v.type);
    }
    if (t.kind === 'index') {
      const keys = t.index.map((k) => this.expr(k));
      const o = t.object;
      if (o.kind !== 'ident' && o.kind !== 'self') this.error('operator = requires a writable lvalue', e.pos);
      const name = o.name;
      const v = this.declare(o.kind === 'self' ? 'self' : 'global', name, vt, keys, e.pos);
      if (!v.keys) this.error('operator [ ] may not be applied to a scalar variable', t.pos);
      this.keysMatch(v.keys, keys, t.pos);
      this.resolved.set(t, { kind: 'var', v });
      return this.set(t, v.type);
    }
    return this.expr(t);
  }

  private aggAssign(t: AggVar, value: Expr, op: string, pos: Pos): DType {
    if (op !== '=') this.error(`operator ${op} cannot be applied to an aggregation`, pos);
    if (value.kind !== 'call' || !isAggFunction(value.callee)) {
      this.error(`@${t.name} must be assigned the result of an aggregating function`, value.pos);
    }
    const fn = value.callee;
    const [min, max] = aggFunctions[fn];
    if (value.args.length < min || value.args.length > max) {
      const want = min === max ? `${min}` : value.args.length < min ? `at least ${min}` : `at most ${max}`;
      this.error(`${fn}( ) prototype mismatch: ${value.args.length} arg${value.args.length === 1 ? '' : 's'} passed, ${want} expected`, value.pos);
    }
    const keys = (t.keys ?? []).map((k) => {
      const kt = this.expr(k);
      if (kt.kind === 'void') this.error('aggregation key may not be void', k.pos);
      if (isString(kt) && this.opts.wideStringKeys) return stringOf(Math.max(kt.maxLen, this.opts.strsize));
      // an integer constant is recorded as 64 bits, a typed value at its own size (illumos tst.sizedkeys.d)
      if (k.kind === 'int' || (k.kind === 'unary' && k.op === '-' && k.operand.kind === 'int')) return int64;
      return kt;
    });
    const args = value.args.map((a) => this.expr(a));
    args.forEach((a, i) => {
      if (i === 0 && !isInt(a) && a.kind !== 'ptr') this.error(`${fn}( ) argument #1 must be of scalar type`, value.args[0].pos);
    });
    const params: bigint[] = value.args.slice(1).map((a, i) => {
      const c = this.constValue(a);
      if (c === undefined) this.error(`${fn}( ) argument #${i + 2} must be an integer constant`, a.pos);
      return c;
    });
    this.set(value, voidType);
    const have = this.aggs.get(t.name);
    if (have) {
      if (have.fn !== fn) this.error(`@${t.name}: aggregating function ${fn}( ) does not match the earlier ${have.fn}( )`, value.pos);
      if (have.keys.length !== keys.length) this.error(`@${t.name}: ${keys.length} key(s) given where earlier uses have ${have.keys.length}`, t.pos);
      keys.forEach((k, i) => {
        const h = have.keys[i];
        if (isString(k) !== isString(h)) this.error(`@${t.name}: key #${i + 1} is ${typeName(k)}, expected ${typeName(h)}`, t.pos);
        if (isString(k) && isString(h) && k.maxLen > h.maxLen) have.keys[i] = k;
        if (isInt(k) && isInt(h) && (k.size > h.size)) have.keys[i] = k;
      });
      if (params.join() !== have.params.join()) this.error(`@${t.name}: ${fn}( ) parameters do not match the earlier use`, value.pos);
    } else {
      this.aggs.set(t.name, { name: t.name, fn, keys, params, id: this.aggs.size, pos: t.pos });
    }
    return this.set(t, voidType);
  }

  /** NULL (or a literal 0): what strtok() continues with and what a string may be compared with. */
  private isNull(e: Expr): boolean {
    const r = this.resolved.get(e);
    return (e.kind === 'int' && e.value === 0n) || (r?.kind === 'const' && r.value === 0n);
  }

  /** The value of an integer constant expression, if it is one. */
  constValue(e: Expr): bigint | undefined {
    if (e.kind === 'int') return e.value;
    if (e.kind === 'unary' && e.op === '-') {
      const v = this.constValue(e.operand);
      return v === undefined ? undefined : -v;
    }
    if (e.kind === 'macro') {
      const r = this.resolved.get(e);
      return r?.kind === 'const' ? r.value : undefined;
    }
    if (e.kind === 'ident') {
      const inl = this.inlines.get(e.name);
      return inl ? this.constValue(inl.expr) : undefined;
    }
    return undefined;
  }

  /** `x++`, `self->n += 1` on a variable never assigned before declare it as an int64 (D's implicit int). */
  private implicitInt(e: Expr): void {
    const declare = (scope: VarScope, name: string, keys?: Expr[]) => {
      if (!this.vars.has(varKey(scope, name))) this.declare(scope, name, int64, keys?.map((k) => this.expr(k)), e.pos);
    };
    if (e.kind === 'ident' && !builtinVars.has(e.name) && !this.inlines.has(e.name)) declare('global', e.name);
    else if (e.kind === 'self' || e.kind === 'this') declare(e.kind, e.name);
    else if (e.kind === 'index' && (e.object.kind === 'ident' || e.object.kind === 'self') && !(e.object.kind === 'ident' && e.object.name === 'args')) {
      declare(e.object.kind === 'self' ? 'self' : 'global', e.object.name, e.index);
    }
  }

  private unary(e: Extract<Expr, { kind: 'unary' }>): DType {
    if (e.op === '++' || e.op === '--') this.implicitInt(e.operand);
    const t = this.expr(e.operand);
    switch (e.op) {
      case 'stringof':
        if (isString(t)) return t;
        if (!isInt(t) && t.kind !== 'ptr') this.error('stringof( ) argument must be a string or a scalar', e.pos);
        return stringOf(this.opts.strsize);
      case '!':
        this.scalar(t, e.pos, '!');
        return int32;
      case '-':
      case '+':
      case '~':
        if (!isInt(t)) this.error(`operator ${e.op} requires an operand of arithmetic type`, e.pos);
        return promote(t, int32);
      case '++':
      case '--':
        this.lvalue(e.operand);
        if (!isInt(t) && t.kind !== 'ptr') this.error(`operator ${e.op} requires an integer or pointer operand`, e.pos);
        return t;
      case '*':
        if (t.kind !== 'ptr') this.error('operator * requires an operand of pointer type', e.pos);
        if (t.to.kind === 'void') this.error('cannot dereference a void pointer', e.pos);
        return t.to;
      case '&':
        if (e.operand.kind !== 'member' && !(e.operand.kind === 'unary' && e.operand.op === '*') && e.operand.kind !== 'index') {
          this.error('operator & requires an lvalue in kernel or user memory', e.pos);
        }
        return { kind: 'ptr', to: t, name: `${typeName(t)} *` };
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): DType {
    const a = this.expr(e.left);
    const b = this.expr(e.right);
    switch (e.op) {
      case ',':
        return b;
      case '&&':
      case '||':
      case '^^':
        this.scalar(a, e.left.pos, e.op);
        this.scalar(b, e.right.pos, e.op);
        return int32;
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (isString(a) !== isString(b)) {
          // A string compared with NULL (strchr() and friends return NULL when they find nothing).
          const nullCmp = (e.op === '==' || e.op === '!=') && this.isNull(isString(a) ? e.right : e.left);
          if (!nullCmp) this.error(`operator ${e.op} operands have incompatible types: "${typeName(a)}" ${e.op} "${typeName(b)}"`, e.pos);
          return int32;
        }
        if (!isString(a)) {
          this.scalar(a, e.left.pos, e.op);
          this.scalar(b, e.right.pos, e.op);
        }
        return int32;
      default:
        if (isString(a) || isString(b)) this.error(`operator ${e.op} requires operands of arithmetic type`, e.pos);
        if ((e.op === '+' || e.op === '-') && (a.kind === 'ptr' || b.kind === 'ptr')) return a.kind === 'ptr' ? a : b;
        this.scalar(a, e.left.pos, e.op);
        this.scalar(b, e.right.pos, e.op);
        if ((e.op === '/' || e.op === '%') && this.constValue(e.right) === 0n) this.error('expression contains division by zero', e.right.pos);
        return promote(a, b);
    }
  }

  private call(e: Call, statement: boolean): DType {
    const name = e.callee;
    if (isAggFunction(name)) this.error(`${name}( ) may only be used in an aggregation assignment (@x = ${name}(...))`, e.pos);
    const counts = actions[name] ?? subroutines[name];
    if (!counts) this.error(`undefined function name: ${name}`, e.pos);
    const [min, max] = counts;
    if (e.args.length < min || e.args.length > max) {
      const n = e.args.length < min ? min : max;
      this.error(min === max ? `${name}( ) prototype mismatch: ${e.args.length} arg${e.args.length === 1 ? '' : 's'} passed, ${min} expected`
        : `${name}( ) prototype mismatch: ${e.args.length} arg${e.args.length === 1 ? '' : 's'} passed, ${e.args.length < min ? `at least ${min}` : `at most ${max}`} expected`, e.pos);
      void n;
    }
    if (isAction(name)) {
      if (!statement) this.error(`${name}( ) is an action and may not be used in an expression`, e.pos);
      for (const a of e.args) {
        if (a.kind === 'agg' && (name === 'printa' || name === 'clear' || name === 'trunc' || name === 'normalize' || name === 'denormalize')) {
          if (!this.aggs.has(a.name) && !this.collecting) this.error(`@${a.name} has not been defined`, a.pos);
          this.set(a, voidType);
        } else this.expr(a);
      }
      if (name === 'printf') {
        const fmt = e.args[0];
        if (fmt?.kind !== 'str') this.error('printf( ) argument #1 must be a string constant', e.pos);
        if (!this.collecting) {
          try {
            this.printf.set(e, checkPrintfArgs(fmt.value, e.args.slice(1).map((a) => printfArgType(this.types.get(a)!))));
          } catch (err) {
            if (err instanceof DError) {
              const [first, ...rest] = err.message.split('\n').map((l) => l.trim()).filter(Boolean);
              this.error(rest.length ? `${first} ${rest.join(', ')}` : first, e.pos);
            }
            throw err;
          }
        }
      }
      return voidType;
    }
    const args = e.args.map((a) => this.expr(a));
    const str = (i: number) => {
      if (!isString(args[i])) this.error(`${name}( ) argument #${i + 1} is incompatible with prototype: expected string, got ${typeName(args[i])}`, e.args[i].pos);
    };
    const S = stringOf(this.opts.strsize);
    switch (name) {
      case 'strlen': str(0); return { ...uint64, name: 'size_t' };
      case 'strjoin': str(0); str(1); return S;
      case 'substr': str(0); return S;
      case 'strchr': case 'strrchr': str(0); return S;
      case 'strstr': str(0); str(1); return S;
      // strtok(NULL, delim) continues with the string of the previous strtok().
      case 'strtok': if (!this.isNull(e.args[0])) str(0); str(1); return S;
      case 'index': case 'rindex': str(0); str(1); return int32;
      case 'basename': case 'dirname': case 'cleanpath': case 'toupper': case 'tolower': str(0); return S;
      case 'copyinstr': return S;
      case 'lltostr': return S;
      case 'htons': case 'ntohs': return { ...int32, size: 2, signed: false, name: 'uint16_t' };
      case 'htonl': case 'ntohl': return { ...int32, signed: false, name: 'uint32_t' };
      case 'htonll': case 'ntohll': return uint64;
      case 'rand': return int32;
      case 'speculation': return int32;
      case 'progenyof': return int32;
      case 'strtoll': str(0); return int64;
      case 'stack': return { kind: 'stack', frames: e.args[0] ? Number(this.constValue(e.args[0]) ?? 20n) : 20 };
      case 'ustack': return { kind: 'ustack', frames: e.args[0] ? Number(this.constValue(e.args[0]) ?? 20n) : 20 };
      case 'func': case 'sym': return { kind: 'sym', fn: name === 'func' ? 'func' : 'sym' };
      case 'mod': return { kind: 'sym', fn: 'mod' };
      case 'ufunc': case 'usym': return { kind: 'usym', fn: name === 'ufunc' ? 'func' : 'sym' };
      case 'umod': return { kind: 'usym', fn: 'mod' };
      case 'copyin': return { kind: 'ptr', to: char, name: 'void *' };
      case 'inet_ntoa': return S;
      default: return int64;
    }
  }
}
