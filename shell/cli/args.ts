// The dtrace(1M) command line: getopt-style flags, program specifications in order, and operands.

export type ProgramSpec =
  | { kind: 'n' | 'P' | 'm' | 'f' | 'i'; text: string }
  | { kind: 's'; file: string };

export interface CliArgs {
  list: boolean;
  verbose: boolean;
  quiet: boolean;
  compileOnly: boolean;
  version: boolean;
  help: boolean;
  flowindent: boolean;
  zeroMatches: boolean;
  destructive: boolean;
  programs: ProgramSpec[];
  xopts: [string, string | true][];
  commands: string[];
  pids: number[];
  output?: string;
  /** Operands after the options: the macro arguments $1, $2, ... */
  operands: string[];
}

export class UsageError extends Error {}

/** Flags that take an argument (DTrace's getopt string, less the obsolete ones). */
const WITH_ARG = new Set(['b', 'c', 'D', 'I', 'L', 'o', 'p', 's', 'U', 'x', 'X', 'P', 'm', 'f', 'n', 'i', 'O']);
const FLAGS = new Set(['a', 'A', 'C', 'e', 'F', 'G', 'h', 'H', 'l', 'q', 'S', 'v', 'V', 'w', 'Z']);

export function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = {
    list: false, verbose: false, quiet: false, compileOnly: false, version: false, help: false, flowindent: false,
    zeroMatches: false, destructive: false, programs: [], xopts: [], commands: [], pids: [], operands: [],
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-32' || arg === '-64') continue;
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j];
      if (WITH_ARG.has(c)) {
        let value = arg.slice(j + 1);
        if (!value) {
          if (i + 1 >= argv.length) throw new UsageError(`option requires an argument -- ${c}`);
          value = argv[++i];
        }
        take(a, c, value);
        break;
      }
      if (!FLAGS.has(c)) throw new UsageError(`illegal option -- ${c}`);
      flag(a, c);
    }
  }
  a.operands = argv.slice(i);
  return a;
}

function flag(a: CliArgs, c: string): void {
  switch (c) {
    case 'l': a.list = true; break;
    case 'v': a.verbose = true; break;
    case 'q': a.quiet = true; break;
    case 'e': a.compileOnly = true; break;
    case 'V': a.version = true; break;
    case 'h': case 'H': a.help = c === 'h' ? a.help : true; break;
    case 'F': a.flowindent = true; break;
    case 'Z': a.zeroMatches = true; break;
    case 'w': a.destructive = true; break;
    default: break;
  }
}

function take(a: CliArgs, c: string, v: string): void {
  switch (c) {
    case 'n': case 'P': case 'm': case 'f': case 'i':
      a.programs.push({ kind: c, text: v });
      return;
    case 's':
      a.programs.push({ kind: 's', file: v });
      return;
    case 'x': {
      const eq = v.indexOf('=');
      a.xopts.push(eq < 0 ? [v, true] : [v.slice(0, eq), v.slice(eq + 1)]);
      return;
    }
    case 'b':
      a.xopts.push(['bufsize', v]);
      return;
    case 'c':
      a.commands.push(v);
      return;
    case 'p': {
      if (!/^\d+$/.test(v)) throw new UsageError(`invalid process ID -- ${v}`);
      a.pids.push(Number(v));
      return;
    }
    case 'o':
      a.output = v;
      return;
    case 'O':
      // -O FORMAT: dtsh's spelling of -x oformat=FORMAT (json, json-doc, text)
      a.xopts.push(['oformat', v]);
      return;
    default:
      throw new UsageError(`option -${c} is not supported`);
  }
}
