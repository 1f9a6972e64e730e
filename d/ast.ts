// The D syntax tree: what the parser produces and the checker and code generator consume.

/** A source position: 1-based line and column, 0-based character offset. */
export interface Pos {
  line: number;
  col: number;
  offset: number;
}

/** A whole D program: clauses, declarations, inlines and pragmas, in source order. */
export interface Program {
  kind: 'program';
  items: TopItem[];
}

export type TopItem = Clause | Decl | InlineDecl | Pragma;

/** `#pragma D option name=value` (value undefined for a bare `#pragma D option quiet`). */
export interface Pragma {
  kind: 'pragma';
  option: string;
  value?: string;
  pos: Pos;
}

/** One probe description as written (`syscall::open*:entry`, `BEGIN`, `pid$target::malloc:`). */
export interface ProbeDesc {
  kind: 'probedesc';
  text: string;
  pos: Pos;
}

/** `descs /predicate/ { body }` */
export interface Clause {
  kind: 'clause';
  probes: ProbeDesc[];
  predicate?: Expr;
  body: Stmt[];
  pos: Pos;
}

/** A C-like type name: `int`, `unsigned long long`, `struct file *`, `string`, `char [16]`. */
export interface TypeName {
  kind: 'type';
  /** The base type spelled with single spaces: `unsigned long`, `struct task_struct`, `string`. */
  base: string;
  /** Number of `*` after the base. */
  pointers: number;
  /** Array dimensions, outermost first (`char [16]` → [16]). */
  dims: number[];
  pos: Pos;
}

/** `int x;`, `self int x;`, `this string s;`, `int counts[string, int];` */
export interface Decl {
  kind: 'decl';
  scope: 'global' | 'self' | 'this';
  type: TypeName;
  name: string;
  /** Key types of an associative array declaration (`int x[string, int]`). */
  keys?: TypeName[];
  pos: Pos;
}

/** `inline int MAX = 10;` */
export interface InlineDecl {
  kind: 'inline';
  type: TypeName;
  name: string;
  value: Expr;
  pos: Pos;
}

export type Stmt = ExprStmt | IfStmt | Block | Decl | EmptyStmt;

export interface ExprStmt {
  kind: 'exprstmt';
  expr: Expr;
  pos: Pos;
}

export interface IfStmt {
  kind: 'if';
  cond: Expr;
  then: Stmt;
  else?: Stmt;
  pos: Pos;
}

export interface Block {
  kind: 'block';
  body: Stmt[];
  pos: Pos;
}

export interface EmptyStmt {
  kind: 'empty';
  pos: Pos;
}

export type Expr =
  | IntLit
  | StrLit
  | Ident
  | MacroVar
  | AggVar
  | SelfVar
  | ThisVar
  | Index
  | Call
  | Member
  | Unary
  | Postfix
  | Binary
  | Assign
  | Ternary
  | Cast
  | Sizeof
  | Offsetof;

/** Integer (and character) literals. `unsigned` is true for a `u`/`U` suffix or a value > INT64_MAX. */
export interface IntLit {
  kind: 'int';
  value: bigint;
  unsigned: boolean;
  /** `l`/`ll` suffix count, 0 when none. */
  longs: number;
  /** The literal as written (`0x10`, `'a'`). */
  text: string;
  pos: Pos;
}

/** A string literal with escapes already decoded. */
export interface StrLit {
  kind: 'str';
  value: string;
  pos: Pos;
}

/** A name: a builtin variable (pid, execname, arg0), a global, an inline, or a function name. */
export interface Ident {
  kind: 'ident';
  name: string;
  pos: Pos;
}

/** `$target`, `$pid`, `$1` .. `$9`, and the string forms `$$1` (quoted = true). */
export interface MacroVar {
  kind: 'macro';
  name: string;
  quoted: boolean;
  pos: Pos;
}

/** `@`, `@name`, `@name[k1, k2]` (name is '' for the anonymous `@`). */
export interface AggVar {
  kind: 'agg';
  name: string;
  keys?: Expr[];
  pos: Pos;
}

/** `self->name` (thread-local). Indexing (`self->x[k]`) wraps it in an Index. */
export interface SelfVar {
  kind: 'self';
  name: string;
  pos: Pos;
}

/** `this->name` (clause-local). */
export interface ThisVar {
  kind: 'this';
  name: string;
  pos: Pos;
}

/** `a[i]`, `args[0]`, `counts[execname, pid]` (one or more index expressions). */
export interface Index {
  kind: 'index';
  object: Expr;
  index: Expr[];
  pos: Pos;
}

/** `name(args...)`: actions and subroutines (printf, count, copyinstr, ...). */
export interface Call {
  kind: 'call';
  callee: string;
  args: Expr[];
  pos: Pos;
}

/** `a.b` (arrow false) and `a->b` (arrow true). */
export interface Member {
  kind: 'member';
  object: Expr;
  field: string;
  arrow: boolean;
  pos: Pos;
}

/** Prefix operators. `stringof` is D's string-conversion operator. */
export interface Unary {
  kind: 'unary';
  op: '-' | '+' | '!' | '~' | '*' | '&' | '++' | '--' | 'stringof';
  operand: Expr;
  pos: Pos;
}

/** Postfix `x++` / `x--`. */
export interface Postfix {
  kind: 'postfix';
  op: '++' | '--';
  operand: Expr;
  pos: Pos;
}

export type BinaryOp =
  | '*' | '/' | '%'
  | '+' | '-'
  | '<<' | '>>'
  | '<' | '<=' | '>' | '>='
  | '==' | '!='
  | '&' | '^' | '|'
  | '&&' | '^^' | '||'
  | ',';

export interface Binary {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  pos: Pos;
}

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=';

export interface Assign {
  kind: 'assign';
  op: AssignOp;
  target: Expr;
  value: Expr;
  pos: Pos;
}

export interface Ternary {
  kind: 'ternary';
  cond: Expr;
  then: Expr;
  else: Expr;
  pos: Pos;
}

export interface Cast {
  kind: 'cast';
  type: TypeName;
  operand: Expr;
  pos: Pos;
}

/** `sizeof (type)` or `sizeof expr`. */
export interface Sizeof {
  kind: 'sizeof';
  type?: TypeName;
  operand?: Expr;
  pos: Pos;
}

/** `offsetof(type, member)` */
export interface Offsetof {
  kind: 'offsetof';
  type: TypeName;
  member: string;
  pos: Pos;
}
