// Clause statements: actions that record data (printf, trace, exit, ...), aggregations, and control flow.
import type { Call, Expr, Stmt } from '../../d/ast.js';
import { isString, int64, sizeOf, type DType } from '../../d/types.js';
import { ldMapValue, st, stx, mov64, add64, ldx, alu64, ja, jmp, R1, R2, R10 } from '../asm/insn.js';
import { Slot } from './gen.js';
import type { Gen } from './gen.js';
import { State, RECORD_HEADER, NSPEC, type ActionPlan, type Field } from './plan.js';
import { MapName } from './layout.js';
import { evalCond, evalInt, discard } from './expr.js';
import { strInto } from './strings.js';
import { aggregate } from './aggregate.js';
import { storeSpecial } from './special.js';

/** Actions whose data goes into the clause's record. */
const dataActions = new Set(['printf', 'trace', 'exit', 'printa', 'clear', 'trunc', 'normalize', 'denormalize', 'stack', 'ustack',
  'commit', 'discard']);

/** A data action's place in the record: its plan and fields, and its bit in the taken-mask. */
export interface RecordedAction {
  call: Call;
  plan: ActionPlan;
  fields: Field[];
  bit: number;
  conditional: boolean;
}

export interface RecordPlan {
  actions: Map<Call, RecordedAction>;
  list: RecordedAction[];
  size: number;
  /** Offset of the u64 taken-mask when some data action is conditional. */
  maskOffset?: number;
  /** True when the clause emits a record (a data action, or no statements at all: the default action). */
  records: boolean;
}

function fieldType(g: Gen, e: Expr): DType {
  const t = g.sema.typeOf(e);
  return t.kind === 'void' ? int64 : t;
}

/** Walks a clause's statements and lays out every data action's fields in the record. */
export function planRecord(g: Gen, body: Stmt[]): RecordPlan {
  const list: RecordedAction[] = [];
  const walk = (s: Stmt, conditional: boolean): void => {
    if (s.kind === 'if') {
      walk(s.then, true);
      if (s.else) walk(s.else, true);
    } else if (s.kind === 'block') s.body.forEach((b) => walk(b, conditional));
    else if (s.kind === 'exprstmt' && s.expr.kind === 'call' && dataActions.has(s.expr.callee)) {
      list.push({ call: s.expr, plan: { kind: 'trace', field: { offset: 0, type: int64 } }, fields: [], bit: list.length, conditional });
    }
  };
  body.forEach((s) => walk(s, false));
  const anyConditional = list.some((a) => a.conditional);
  let off = RECORD_HEADER + (anyConditional ? 8 : 0);
  const place = (type: DType): Field => {
    const size = sizeOf(type);
    const align = isString(type) ? 1 : Math.min(8, size);
    off = (off + align - 1) & ~(align - 1);
    const f = { offset: off, type };
    off += isString(type) || size > 8 ? size : 8;
    return f;
  };
  for (const a of list) {
    const c = a.call;
    const aggName = (e: Expr) => (e.kind === 'agg' ? e.name : g.error(`${c.callee}( ) argument must be an aggregation`, e.pos));
    switch (c.callee) {
      case 'printf': {
        const fmt = c.args[0];
        const args = c.args.slice(1).map((x) => place(fieldType(g, x)));
        a.fields = args;
        const format = g.sema.printf.get(c);
        if (!format || fmt.kind !== 'str') return g.error('printf( ) format was not checked', c.pos);
        a.plan = { kind: 'printf', format, args };
        break;
      }
      case 'trace':
        a.fields = [place(fieldType(g, c.args[0]))];
        a.plan = { kind: 'trace', field: a.fields[0] };
        break;
      case 'exit':
        a.fields = [place(int64)];
        a.plan = { kind: 'exit', field: a.fields[0] };
        break;
      case 'printa': {
        const hasFmt = c.args[0]?.kind === 'str';
        const format = hasFmt && c.args[0].kind === 'str' ? c.args[0].value : undefined;
        a.plan = { kind: 'printa', format, aggs: c.args.slice(hasFmt ? 1 : 0).map(aggName) };
        break;
      }
      case 'clear':
      case 'denormalize':
        a.plan = { kind: 'aggop', op: c.callee, agg: aggName(c.args[0]) };
        break;
      case 'commit':
      case 'discard':
        a.fields = [place(int64)];
        a.plan = { kind: c.callee, field: a.fields[0] };
        break;
      case 'stack':
      case 'ustack': {
        const t = fieldType(g, c);
        a.fields = [place(t)];
        a.plan = { kind: c.callee, field: a.fields[0], frames: t.kind === 'stack' || t.kind === 'ustack' ? t.frames ?? 20 : 20 };
        break;
      }
      case 'trunc':
      case 'normalize': {
        const field = c.args[1] ? place(int64) : undefined;
        a.fields = field ? [field] : [];
        a.plan = { kind: 'aggop', op: c.callee, agg: aggName(c.args[0]), field };
        break;
      }
      default:
        g.error(`${c.callee}( ) is not supported yet`, c.pos);
    }
  }
  const records = list.length > 0 || body.length === 0;
  return {
    actions: new Map(list.map((a) => [a.call, a])),
    list,
    size: records ? (off + 7) & ~7 : 0,
    maskOffset: anyConditional ? RECORD_HEADER : undefined,
    records,
  };
}

/** Generates one statement of a clause. */
/**
 * Generates one statement. `actionIndex(n)` hands out the statement's action numbers (the N of a fault's
 * "in action #N"): one per statement, but one per argument for printf(), as DTrace compiles it.
 */
export function compileStmt(g: Gen, s: Stmt, rec: RecordPlan, actionIndex: (n: number) => number): void {
  switch (s.kind) {
    case 'empty':
    case 'decl':
      return;
    case 'block':
      s.body.forEach((b) => compileStmt(g, b, rec, actionIndex));
      return;
    case 'if': {
      const no = g.e.newLabel('else');
      const end = g.e.newLabel('fi');
      evalCond(g, s.cond, no);
      compileStmt(g, s.then, rec, actionIndex);
      g.e.emit(ja(end));
      g.e.place(no);
      if (s.else) compileStmt(g, s.else, rec, actionIndex);
      g.e.place(end);
      return;
    }
    case 'exprstmt': {
      const ex = s.expr;
      g.clause.action = actionIndex(ex.kind === 'call' && ex.callee === 'printf' ? Math.max(1, ex.args.length - 1) : 1);
      const prev = g.e.pos;
      g.e.pos = s.expr.pos;
      try {
        expressionStatement(g, s.expr, rec);
      } finally {
        g.e.pos = prev;
      }
    }
  }
}

/** speculate(id): this clause's record goes to speculation `id` (1..NSPEC; 0 leaves it in the principal buffer). */
function speculate(g: Gen, id: Expr): void {
  const v = evalInt(g, id);
  const ok = g.e.newLabel('spok');
  g.e.emit(jmp('jle', v.reg, NSPEC, ok), mov64(v.reg, 0));
  g.e.place(ok);
  g.e.emit(stx(8, R10, Slot.spec, v.reg));
  g.free(v);
}

/** Frees a speculation's slot once its commit/discard record is on its way to the consumer. */
function releaseSpeculation(g: Gen, id: Expr): void {
  const v = evalInt(g, id);
  const skip = g.e.newLabel('sprel');
  g.e.emit(jmp('jeq', v.reg, 0, skip), jmp('jgt', v.reg, NSPEC, skip), alu64('sub', v.reg, 1), alu64('lsh', v.reg, 3));
  g.e.emit(ldMapValue(R1, MapName.spec, 0), alu64('add', R1, v.reg), st(8, R1, 0, 0));
  g.e.place(skip);
  g.free(v);
}

function expressionStatement(g: Gen, e: Expr, rec: RecordPlan): void {
  if (e.kind === 'call' && e.callee === 'speculate') {
    speculate(g, e.args[0]);
    return;
  }
  if (e.kind === 'assign' && e.target.kind === 'agg') {
    const v = e.value as Call;
    aggregate(g, e.target.name, e.target.keys ?? [], v.args);
    return;
  }
  if (e.kind === 'call') {
    const a = rec.actions.get(e);
    if (a) {
      recordAction(g, a, rec);
      return;
    }
  }
  discard(g, e);
}

function recordAction(g: Gen, a: RecordedAction, rec: RecordPlan): void {
  const c = a.call;
  // Which expressions fill the fields: printf's after the format; trace/exit/commit/discard their one
  // argument; stack()/ustack() the call itself; trunc/normalize the argument after the aggregation.
  const valueArgs = c.callee === 'stack' || c.callee === 'ustack' ? [c]
    : ['trace', 'exit', 'commit', 'discard'].includes(c.callee) ? c.args : c.args.slice(1);
  const base = g.clause.action;
  a.fields.forEach((f, i) => {
    if (c.callee === 'printf') g.clause.action = base + i;
    storeField(g, f, valueArgs[i]);
  });
  g.clause.action = base;
  if (rec.maskOffset !== undefined) {
    const p = g.alloc();
    g.scratchPtr(p.reg, g.recordBase + rec.maskOffset);
    g.e.emit(ldx(8, R1, p.reg, 0), mov64(R2, 1), alu64('lsh', R2, a.bit), alu64('or', R1, R2), stx(8, p.reg, 0, R1));
    g.free(p);
  }
  if (c.callee === 'exit') {
    g.e.emit(ldMapValue(R1, MapName.state, 0), st(4, R1, 0, State.DRAINING));
  }
  if (c.callee === 'commit' || c.callee === 'discard') releaseSpeculation(g, c.args[0]);
}

/** Evaluates `e` into the record field `f`. */
function storeField(g: Gen, f: Field, e: Expr): void {
  const t = f.type;
  if (t.kind === 'stack' || t.kind === 'ustack' || t.kind === 'sym' || t.kind === 'usym') {
    const dst = g.alloc();
    g.scratchPtr(dst.reg, g.recordBase + f.offset);
    storeSpecial(g, dst.reg, t, e);
    g.free(dst);
    return;
  }
  if (isString(f.type)) {
    const dst = g.alloc();
    g.scratchPtr(dst.reg, g.recordBase + f.offset);
    strInto(g, e, dst, f.type.maxLen, false);
    g.free(dst);
    return;
  }
  const v = evalInt(g, e);
  const p = g.alloc();
  g.scratchPtr(p.reg, g.recordBase + f.offset);
  g.e.emit(stx(8, p.reg, 0, v.reg));
  g.free(v, p);
}

export { add64 };
