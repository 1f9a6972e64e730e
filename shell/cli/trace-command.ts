// The tracing path of dtrace(1M): compile the programs, enable them, trace until exit, -c's end or Ctrl-C.
import { openSync, writeSync, closeSync } from 'node:fs';
import { parseProgram } from '../../d/parser.js';
import { DError } from '../../d/errors.js';
import type { Program } from '../../d/ast.js';
import type { ProbeTable } from '../../kmod/probes/table.js';
import { compile, NoProbesError } from '../../kmod/codegen/compile.js';
import { LoadError } from '../../kmod/session.js';
import { matchedMessage } from '../format/trace.js';
import { setOption, OptionError, compileOptionsOf, type DOptions } from '../engine/options.js';
import { TraceRun } from '../engine/trace-run.js';
import type { CliArgs } from './args.js';
import { specToSource, shiftOffsets, SpecError, type Source } from './programs.js';
import { startGated, waitForPid, type GatedChild } from './child.js';
import { registerExecTarget } from '../../kmod/probes/providers/pid.js';
import { Fatal, fullDesc, type RunIO } from './common.js';

export async function trace(args: CliArgs, opts: DOptions, table: ProbeTable, io: RunIO): Promise<number> {
  let out = io;
  if (args.output) {
    const fd = openSync(args.output, 'a');
    out = { ...io, out: (s) => writeSync(fd, s) };
    process.on('exit', () => closeSync(fd));
  }

  // Parse every program; pragmas set options before anything is compiled.
  const sources = args.programs.map((p) => {
    try {
      return specToSource(p, table);
    } catch (e) {
      if (e instanceof SpecError) throw new Fatal(e.message);
      throw e;
    }
  });
  let base = 0;
  const parsed = sources.map((s) => {
    const program = parseSource(s);
    shiftOffsets(program, base);
    const p = { source: s, program, base };
    base += s.text.length + 1;
    return p;
  });
  for (const { source, program } of parsed) applyPragmas(program, opts, source);

  let child: GatedChild | undefined;
  if (args.commands.length) {
    try {
      child = startGated(args.commands[0]);
      // pid$target probes resolve against the command it is about to exec, not the waiting shell
      registerExecTarget(child.pid, args.commands[0]);
    } catch (e) {
      throw new Fatal(`failed to execute ${args.commands[0]}: ${(e as Error).message}`);
    }
  }
  const target = child?.pid ?? args.pids[0];
  if (args.pids[0] !== undefined) {
    try {
      process.kill(args.pids[0], 0);
    } catch {
      throw new Fatal(`failed to grab pid ${args.pids[0]}: No such process`);
    }
  }
  const macros: Record<string, string | number | undefined> = { pid: process.pid, target, ppid: process.ppid };
  args.operands.forEach((v, i) => (macros[String(i + 1)] = v));
  macros['0'] = sources.find((s) => s.kind === 'script')?.name ?? 'dtrace';

  const whole: Program = { kind: 'program', items: parsed.flatMap((p) => p.program.items) };
  const owner: Source[] = parsed.flatMap((p) => p.program.items.filter((i) => i.kind === 'clause').map(() => p.source));
  let compiled;
  try {
    compiled = compile(whole, table, compileOptionsOf(opts, macros));
  } catch (e) {
    child?.child.kill('SIGKILL');
    if (e instanceof DError) throw new Fatal(compileError(e, parsed));
    throw e;
  }
  for (const [name, value] of compiled.options) if (name === 'quiet' && value) opts.quiet = true;
  // dtrace(1M) says what a description matched when it enables it: not under -e, not under -q
  if (!opts.quiet && !args.compileOnly) {
    for (const { source } of parsed) {
      const n = compiled.clauseProbes.reduce((sum, probes, i) => sum + (owner[i] === source ? probes.length : 0), 0);
      io.err(matchedMessage(source.kind, source.name, n));
    }
  }
  if (args.compileOnly) {
    child?.child.kill('SIGKILL');
    return 0;
  }

  const runner = new TraceRun(compiled, opts, out, target);
  // Ctrl-C from here on stops the run (also while it is still loading: it then stops right after)
  let started = false;
  let interrupted = false;
  const unhook = io.onInterrupt?.(() => {
    if (!started) {
      interrupted = true;
      return;
    }
    if (runner.exited) process.exit(1);
    runner.interrupt();
  });
  try {
    runner.start();
    started = true;
  } catch (e) {
    unhook?.();
    child?.child.kill('SIGKILL');
    runner.session.close();
    if (e instanceof LoadError) {
      if (opts.verbose && e.log) io.err(`dtrace: verifier log:\n${e.log.trimEnd()}\n`);
      const owner = parsed.findLast((p) => e.pos && e.pos.offset >= p.base) ?? parsed[0];
      const where = e.pos ? (owner.source.kind === 'script' ? `${owner.source.name}: line ${e.pos.line}: ` : `${owner.source.arg}: `) : '';
      throw new Fatal(`failed to enable ${where}${e.message}${opts.verbose ? '' : ' (-x verbose shows the verifier log)'}`);
    }
    throw e;
  }
  const stop = () => runner.stop();
  runner.onExit = () => setImmediate(stop);
  // exit() in BEGIN was recorded while start() drained, before onExit was set.
  if (runner.exited) setImmediate(stop);
  if (interrupted) runner.interrupt();
  if (child) {
    child.release();
    child.exited.then(() => {
      runner.drain();
      if (!opts.quiet) io.err(`dtrace: pid ${child!.pid} has exited\n`);
      stop();
    });
  } else if (args.pids.length) {
    waitForPid(args.pids[0]).then(() => {
      if (!opts.quiet) io.err(`dtrace: pid ${args.pids[0]} has exited\n`);
      stop();
    });
  }
  const status = await runner.done;
  unhook?.();
  return status;
}

function parseSource(s: Source): Program {
  try {
    return parseProgram(s.text);
  } catch (e) {
    if (e instanceof DError) throw new Fatal(sourceError(s, e));
    throw e;
  }
}

function sourceError(s: Source, e: DError): string {
  if (s.kind === 'script') return `failed to compile script ${s.name}: ${e.pos ? `line ${e.pos.line}: ` : ''}${e.message}`;
  const where = e.pos ? (s.text.includes('\n') ? ` (line ${e.pos.line}, column ${e.pos.col})` : ` (column ${e.pos.col})`) : '';
  const msg = e instanceof NoProbesError ? `probe description ${fullDesc(e.description)} does not match any probes` : e.message;
  return `invalid probe specifier ${s.arg}: ${msg}${e instanceof NoProbesError ? '' : where}`;
}

/** The source a compile error belongs to: each source's offsets were shifted into its own range. */
function compileError(e: DError, parsed: { source: Source; program: Program; base: number }[]): string {
  let owner = parsed[0];
  for (const p of parsed) if (e.pos && e.pos.offset >= p.base) owner = p;
  return sourceError(owner.source, e);
}


function applyPragmas(program: Program, opts: DOptions, s: Source): void {
  for (const item of program.items) {
    if (item.kind !== 'pragma') continue;
    try {
      setOption(opts, item.option, item.value ?? true);
    } catch (e) {
      if (e instanceof OptionError) {
        throw new Fatal(sourceError(s, new DError(`failed to set option ${item.option}: ${e.message}`, item.pos)));
      }
      throw e;
    }
  }
}

