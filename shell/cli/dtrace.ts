// The dtrace(1M) command: arguments, options and privileges, then the listing or the tracing path (loaded on demand).
import { ProbeTable } from '../../kmod/probes/table.js';
import { PrivilegeError, checkPrivileges } from '../../kmod/features.js';
import { defaultOptions, setOption, OptionError, type DOptions } from '../engine/options.js';
import { parseArgs, UsageError, type CliArgs } from './args.js';
import { describeFailure } from './failure.js';
import { Fatal, type RunIO } from './common.js';

export { Fatal, type RunIO };


const version = 'dtrace: dtsh D 0.1 (DTrace for Linux on eBPF)';

export async function dtraceMain(argv: string[], io: RunIO): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`dtrace: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.version) {
    io.out(version + '\n');
    return 0;
  }
  try {
    return await run(args, io);
  } catch (e) {
    io.err(`dtrace: ${describeFailure(e)}\n`);
    if (process.env.DTSH_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    return e instanceof Fatal ? e.status : 1;
  }
}

function options(args: CliArgs): DOptions {
  const o = defaultOptions();
  if (args.quiet) o.quiet = true;
  if (args.flowindent) o.flowindent = true;
  for (const [name, value] of args.xopts) {
    try {
      setOption(o, name, value);
    } catch (e) {
      if (e instanceof OptionError) throw new Fatal(`failed to set -x ${name}: ${e.message}`, 2);
      throw e;
    }
  }
  return o;
}

async function run(args: CliArgs, io: RunIO): Promise<number> {
  const opts = options(args);
  try {
    checkPrivileges();
  } catch (e) {
    if (e instanceof PrivilegeError) throw new Fatal(`failed to initialize dtrace: ${e.message}`);
    throw e;
  }
  const table = new ProbeTable();
  if (args.list) return (await import('./list-command.js')).list(args, table, io);
  if (!args.programs.length) throw new Fatal('no probes specified', 2);
  return (await import('./trace-command.js')).trace(args, opts, table, io);
}
