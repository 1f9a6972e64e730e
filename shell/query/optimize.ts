// Native fast paths for jsonata over big aggregations. jsonata 2.x sorts by a merge that copies its
// arrays at every step (quadratic: ordering 100,000 entries takes minutes and gigabytes) and evaluates
// an index filter such as [[0..4]] once per item. These rewrites of the parsed expression keep
// jsonata's results and errors but do the work natively:
//
// - order-by, `X^(>value, key)`: each term is evaluated once per item (a plain field path is read
//   directly) and the items are sorted stably; followed by [[0..k]] only the first k are selected;
// - `$sort(X, function($a, $b) { $a.f < $b.f })` (or `>`): the same, by field f;
// - `$sort` itself: an O(n log n) merge calling the comparator;
// - constant index filters (`[[0..4]]`, `[[1, 3]]`): the indices are computed once.
//
// Expressions using context or position bindings (`@$v`, `#$i`) or the parent operator `%` are
// left as they are. test/shell/query/optimize.test.ts checks the rewrites against plain jsonata.

/** A jsonata AST node (jsonata.ExprNode, with the fields the parser really sets). */
export interface Node {
  type: string;
  value?: unknown;
  position?: number;
  steps?: Node[];
  stages?: Node[];
  predicate?: Node[];
  arguments?: Node[];
  procedure?: Node;
  body?: Node;
  expressions?: Node[];
  expr?: Node;
  terms?: Term[];
  lhs?: unknown;
  rhs?: Node;
  [k: string]: unknown;
}

interface Term {
  descending: boolean;
  expression: Node;
}

/** jsonata's `this` in a native function. */
interface Focus {
  createSequence?: (...items: unknown[]) => unknown[];
}

type NativeFn = (this: Focus, ...args: unknown[]) => unknown;

export interface Native {
  name: string;
  fn: NativeFn;
  signature?: string;
}

interface SortSpec {
  /** Per term: descending, and the field path when the term is a plain one (`value`, `a.b`). */
  terms: { descending: boolean; fields?: string[] }[];
  position?: number;
  /** Only the first `limit` items are wanted (a constant index filter follows). */
  limit?: number;
}

/** A jsonata error, as its evaluator throws them (the message is filled in from the code). */
function jsonataError(code: string, position: number | undefined, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(code), { code, position, stack: new Error().stack, ...fields });
}

// ---- what can be rewritten --------------------------------------------------------------------

const UNSAFE_KEYS = new Set(['tuple', 'focus', 'index', 'ancestor', 'seekingParent']);

/** True when the expression uses tuple streams (@, #, %): the rewrites keep away from it. */
function usesTuples(n: unknown, seen = new Set<unknown>()): boolean {
  if (n === null || typeof n !== 'object' || seen.has(n)) return false;
  seen.add(n);
  if (Array.isArray(n)) return n.some((x) => usesTuples(x, seen));
  const o = n as Record<string, unknown>;
  if (o.type === 'parent') return true;
  for (const [k, v] of Object.entries(o)) {
    if (UNSAFE_KEYS.has(k) && v !== undefined && v !== false) return true;
    if (usesTuples(v, seen)) return true;
  }
  return false;
}

/** True when the expression binds $sort itself. */
function rebindsSort(n: unknown): boolean {
  if (n === null || typeof n !== 'object') return false;
  if (Array.isArray(n)) return n.some(rebindsSort);
  const o = n as Node;
  if (o.type === 'bind' && (o.lhs as Node | undefined)?.value === 'sort') return true;
  return Object.values(o).some(rebindsSort);
}

/** `a.b.c` with nothing else on its steps: the field names. */
function fieldPath(n: Node): string[] | undefined {
  const steps = n.type === 'path' ? n.steps : n.type === 'name' ? [n] : undefined;
  if (!steps?.length || (n.type === 'path' && Object.keys(n).some((k) => k !== 'type' && k !== 'steps'))) return undefined;
  const out: string[] = [];
  for (const s of steps) {
    if (s.type !== 'name' || typeof s.value !== 'string') return undefined;
    if (Object.keys(s).some((k) => k !== 'type' && k !== 'value' && k !== 'position')) return undefined;
    out.push(s.value);
  }
  return out;
}

/** The indices of a constant index filter (`[[0..4]]`, `[[1, 3]]`), or undefined. */
export function constantIndices(filter: Node | undefined): number[] | undefined {
  if (!filter || filter.type !== 'filter' || !filter.expr) return undefined;
  const e = filter.expr;
  if (e.type !== 'unary' || e.value !== '[' || !e.expressions || Object.keys(e).some((k) => !['type', 'value', 'position', 'expressions', 'consarray'].includes(k))) return undefined;
  const out: number[] = [];
  for (const x of e.expressions) {
    if (Object.keys(x).some((k) => !['type', 'value', 'position', 'lhs', 'rhs'].includes(k))) return undefined;
    if (x.type === 'number' && typeof x.value === 'number') out.push(x.value);
    else if (x.type === 'binary' && x.value === '..') {
      const lo = x.lhs as Node;
      const hi = x.rhs as Node;
      if (lo?.type !== 'number' || hi?.type !== 'number' || Object.keys(lo).length > 3 || Object.keys(hi).length > 3) return undefined;
      const a = lo.value as number;
      const b = hi.value as number;
      if (!Number.isInteger(a) || !Number.isInteger(b) || b - a > 1e6) return undefined;
      for (let i = a; i <= b; i++) out.push(i);
    } else return undefined;
  }
  return out;
}

// ---- the natives ------------------------------------------------------------------------------

const MISS = Symbol('miss');

function readFields(item: unknown, fields: string[]): unknown {
  let v = item;
  for (const f of fields) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return MISS;
    v = (v as Record<string, unknown>)[f];
  }
  return v === undefined || typeof v === 'number' || typeof v === 'string' ? v : MISS;
}

/** jsonata's order-by comparison of items i and j, their sort keys at vals[i*T + t] (evaluateSortExpression). */
function compareAt(vals: unknown[], i: number, j: number, spec: SortSpec): number {
  const T = spec.terms.length;
  let comp = 0;
  for (let t = 0; comp === 0 && t < T; t++) {
    const aa = vals[i * T + t];
    const bb = vals[j * T + t];
    if (aa === undefined) {
      comp = bb === undefined ? 0 : 1;
      continue;
    }
    if (bb === undefined) {
      comp = -1;
      continue;
    }
    const at = typeof aa;
    const bt = typeof bb;
    if (!(at === 'string' || at === 'number') || !(bt === 'string' || bt === 'number')) {
      throw jsonataError('T2008', spec.position, { value: !(at === 'string' || at === 'number') ? aa : bb });
    }
    if (at !== bt) throw jsonataError('T2007', spec.position, { value: aa, value2: bb });
    if (aa === bb) comp = 0;
    else comp = (aa as number) < (bb as number) ? -1 : 1;
    if (spec.terms[t].descending) comp = -comp;
  }
  return comp;
}

/** The first `k` of the stable sort of 0..n-1 by `cmp`, in order (insertion into a bounded buffer). */
function firstK(n: number, k: number, cmp: (a: number, b: number) => number): number[] {
  const top: number[] = [];
  for (let it = 0; it < n; it++) {
    if (top.length === k && cmp(it, top[k - 1]) >= 0) continue;
    // after every element not greater than it: stable
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(top[mid], it) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, it);
    if (top.length > k) top.pop();
  }
  return top;
}

/** The sort keys read straight from the items' fields, or undefined when a term needs jsonata. */
function fieldKeys(arr: unknown[], spec: SortSpec): unknown[] | undefined {
  const T = spec.terms.length;
  const paths = spec.terms.map((t) => t.fields);
  if (paths.some((p) => !p)) return undefined;
  const vals = new Array<unknown>(arr.length * T);
  for (let i = 0; i < arr.length; i++) {
    for (let t = 0; t < T; t++) {
      const v = readFields(arr[i], paths[t]!);
      if (v === MISS) return undefined;
      vals[i * T + t] = v;
    }
  }
  return vals;
}

function orderBy(spec: SortSpec, comparator?: number): NativeFn {
  const T = spec.terms.length;
  return async function (this: Focus, input: unknown, ...fns: unknown[]) {
    if (input === undefined) return undefined;
    const arr = Array.isArray(input) ? input : [input];
    // as jsonata: fewer than two items are not compared; one is a singleton sequence (the item itself)
    if (arr.length <= 1) return arr[0];
    let vals = fieldKeys(arr, spec);
    if (!vals) {
      if (comparator !== undefined) return mergeSort(arr, fns[comparator] as (a: unknown, b: unknown) => unknown);
      vals = new Array<unknown>(arr.length * T);
      for (let i = 0; i < arr.length; i++) {
        for (let t = 0; t < T; t++) {
          const fields = spec.terms[t].fields;
          const v = fields ? readFields(arr[i], fields) : MISS;
          vals[i * T + t] = v === MISS ? await (fns[t] as (x: unknown) => unknown)(arr[i]) : v;
        }
      }
    }
    const v = vals;
    const numbers = T === 1 && v.every((x) => typeof x === 'number');
    if (comparator !== undefined && !numbers && !v.every((x) => typeof x === 'string')) {
      // `$sort` by `$a.f < $b.f`: jsonata's `<` compares numbers with numbers, strings with strings
      return mergeSort(arr, fns[comparator] as (a: unknown, b: unknown) => unknown);
    }
    const desc = spec.terms[0].descending;
    const cmp = numbers
      ? (desc ? (i: number, j: number) => (v[j] as number) - (v[i] as number) : (i: number, j: number) => (v[i] as number) - (v[j] as number))
      : (i: number, j: number) => compareAt(v, i, j, spec);
    let order: number[];
    if (spec.limit !== undefined && spec.limit < arr.length) order = firstK(arr.length, spec.limit, cmp);
    else {
      order = new Array<number>(arr.length);
      for (let i = 0; i < arr.length; i++) order[i] = i;
      order.sort(cmp);
    }
    return order.map((i) => arr[i]);
  };
}

/** $sort's stable merge (comparator true: b before a), bottom-up: O(n log n) comparator calls. */
async function mergeSort(arr: unknown[], comp: (a: unknown, b: unknown) => unknown): Promise<unknown[]> {
  let src = arr.slice();
  let dst = new Array<unknown>(src.length);
  for (let width = 1; width < src.length; width *= 2) {
    for (let lo = 0; lo < src.length; lo += 2 * width) {
      const mid = Math.min(lo + width, src.length);
      const hi = Math.min(lo + 2 * width, src.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = (await comp(src[i], src[j])) ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  return src;
}

function isArrayOf(arr: unknown[], t: string): boolean {
  return arr.every((x) => typeof x === t);
}

/** jsonata's $sort with an O(n log n) merge. */
async function sortNative(arr: unknown, comparator?: unknown): Promise<unknown> {
  if (arr === undefined) return undefined;
  const a = arr as unknown[];
  if (a.length <= 1) return a;
  if (comparator === undefined) {
    if (!isArrayOf(a, 'number') && !isArrayOf(a, 'string')) throw Object.assign(new Error('D3070'), { code: 'D3070', index: 1 });
    return a.slice().sort((x, y) => ((x as number) > (y as number) ? 1 : (x as number) < (y as number) ? -1 : 0));
  }
  return mergeSort(a, comparator as (a: unknown, b: unknown) => unknown);
}

function pick(indices: number[]): NativeFn {
  return function (this: Focus, input: unknown) {
    const seq = this.createSequence ? this.createSequence() : [];
    if (input === undefined) return undefined;
    const arr = Array.isArray(input) ? input : [input];
    const wanted = new Map<number, number>();
    for (const raw of indices) {
      let i = Math.floor(raw);
      if (i < 0) i = arr.length + i;
      wanted.set(i, (wanted.get(i) ?? 0) + 1);
    }
    const order = [...wanted.keys()].filter((i) => i >= 0 && i < arr.length).sort((x, y) => x - y);
    for (const i of order) for (let n = wanted.get(i)!; n > 0; n--) seq.push(arr[i]);
    return seq;
  };
}

// ---- the rewrite ------------------------------------------------------------------------------

class Rewriter {
  readonly natives: Native[] = [];
  private n = 0;

  constructor(private readonly sortIsBuiltin: boolean) {}

  private native(prefix: string, fn: NativeFn, signature?: string): string {
    const name = `__dtsh_${prefix}${this.n++}`;
    this.natives.push({ name, fn, signature });
    return name;
  }

  private call(name: string, args: Node[], position: number | undefined, predicate?: Node[]): Node {
    const node: Node = { type: 'function', value: '(', position, procedure: { type: 'variable', value: name, position }, arguments: args };
    if (predicate?.length) node.predicate = predicate;
    return node;
  }

  /** `function($x) { $x.(expr) }`: an order-by term for the native sort to call. */
  private termLambda(expr: Node, position: number | undefined): Node {
    const v = '__dtsh_x';
    return {
      type: 'lambda', position, arguments: [{ type: 'variable', value: v, position }],
      body: { type: 'path', steps: [{ type: 'variable', value: v, position }, { type: 'block', position, expressions: [expr] }] },
    };
  }

  /** A node with a constant index filter first in its predicate: the indices picked natively. */
  private foldPredicate(node: Node): Node {
    const idx = constantIndices(node.predicate?.[0]);
    if (!idx) return node;
    const [first, ...rest] = node.predicate!;
    const inner: Node = { ...node };
    delete inner.predicate;
    return this.call(this.native('pick', pick(idx)), [inner], first.position, rest);
  }

  private limitOf(filters: Node[] | undefined): number | undefined {
    const f = filters?.[0];
    const single = f?.type === 'filter' && f.expr?.type === 'number' && Object.keys(f.expr).length <= 3 ? [f.expr.value as number] : undefined;
    const idx = single ?? constantIndices(f);
    if (!idx || !idx.length || idx.some((i) => i < 0)) return undefined;
    return Math.floor(Math.max(...idx)) + 1;
  }

  private path(node: Node): Node {
    // constant index filters on steps; on the first step only when it is not a variable (a variable
    // first step is evaluated once over the whole input, a function once per input item)
    const steps = node.steps!.map((s, i) => {
      if ((i === 0 && s.type === 'variable') || s.type === 'sort' || !s.stages) return s;
      const idx = constantIndices(s.stages[0]);
      if (!idx) return s;
      const [first, ...rest] = s.stages;
      const inner: Node = { ...s };
      delete inner.stages;
      const f = this.call(this.native('pick', pick(idx)), [inner], first.position);
      if (rest.length) f.stages = rest;
      return f;
    });
    node.steps = steps;
    const k = steps.findIndex((s) => s.type === 'sort');
    const plain = Object.keys(node).every((key) => key === 'type' || key === 'steps');
    if (k < 1 || !plain) return node;
    const sort = steps[k];
    const terms = sort.terms ?? [];
    const spec: SortSpec = {
      terms: terms.map((t) => ({ descending: t.descending, fields: fieldPath(t.expression) })),
      position: sort.position,
      limit: this.limitOf(sort.stages),
    };
    const lambdas = terms.map((t) => this.termLambda(t.expression, sort.position));
    const prefix: Node = { type: 'path', steps: steps.slice(0, k) };
    const f = this.foldPredicate(this.call(this.native('orderby', orderBy(spec)), [prefix, ...lambdas], sort.position, sort.stages));
    const rest = steps.slice(k + 1);
    if (!rest.length) return f;
    const v = '__dtsh_s';
    const tail = this.path({ type: 'path', steps: [{ type: 'variable', value: v, position: sort.position }, ...rest] });
    return {
      type: 'block', position: sort.position,
      expressions: [{ type: 'bind', value: ':=', position: sort.position, lhs: { type: 'variable', value: v, position: sort.position }, rhs: f }, tail],
    };
  }

  /** `$sort(X, function($a, $b) { $a.f < $b.f })` → the native order-by on f. */
  private sortCall(node: Node): Node {
    if (!this.sortIsBuiltin || node.procedure?.type !== 'variable' || node.procedure.value !== 'sort') return node;
    const args = node.arguments ?? [];
    const fn = args[1];
    if (args.length !== 2 || fn?.type !== 'lambda' || fn.arguments?.length !== 2 || fn.signature !== undefined) return node;
    const [a, b] = fn.arguments.map((x) => x.value);
    const body = fn.body;
    if (body?.type !== 'binary' || (body.value !== '<' && body.value !== '>')) return node;
    const side = (n: unknown, v: unknown): string[] | undefined => {
      const p = n as Node | undefined;
      if (p?.type !== 'path' || !p.steps || p.steps.length < 2 || Object.keys(p).some((k) => k !== 'type' && k !== 'steps')) return undefined;
      const [head, ...rest] = p.steps;
      if (head.type !== 'variable' || head.value !== v || head.predicate || head.stages) return undefined;
      return fieldPath({ type: 'path', steps: rest });
    };
    const fa = side(body.lhs, a);
    const fb = side(body.rhs, b);
    if (!fa || !fb || fa.join('.') !== fb.join('.')) return node;
    const spec: SortSpec = { terms: [{ descending: body.value === '<', fields: fa }], position: node.position, limit: this.limitOf(node.predicate) };
    return this.foldPredicate(this.call(this.native('orderby', orderBy(spec, 0)), [args[0], fn], node.position, node.predicate));
  }

  /** `keepPredicate`: a path's first step that is a variable keeps its filters (see path()). */
  visit(n: unknown, keepPredicate = false): unknown {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map((x) => this.visit(x));
    const o = n as Node;
    for (const k of Object.keys(o)) {
      if (k === 'procedure') continue;
      if (k === 'steps' && Array.isArray(o.steps)) o.steps = o.steps.map((s, i) => this.visit(s, i === 0 && s.type === 'variable') as Node);
      else o[k] = this.visit(o[k]);
    }
    if (typeof o.type !== 'string') return o;
    if (o.type === 'path' && o.steps) return this.path(o);
    if (o.type === 'function') {
      const r = this.sortCall(o);
      if (r !== o) return r;
    }
    if (o.predicate && !keepPredicate) return this.foldPredicate(o);
    return o;
  }
}

/** Rewrites `ast` in place where a fast path applies; returns the root and the natives to register. */
export function optimize(ast: Node): { ast: Node; natives: Native[] } {
  const natives: Native[] = [{ name: 'sort', fn: sortNative as NativeFn, signature: '<af?:a>' }];
  if (usesTuples(ast)) return { ast, natives };
  const r = new Rewriter(!rebindsSort(ast));
  const root = r.visit(ast) as Node;
  return { ast: root, natives: [...natives, ...r.natives] };
}
