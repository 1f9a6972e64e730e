// `dtrace -l` with -c or -p: the target process exists while probes are listed, so `pid$target` names it.
import { registerExecTarget, forgetExecTarget } from '../../kmod/probes/providers/pid.js';
import type { CliArgs } from './args.js';
import { startGated } from './child.js';
import { Fatal } from './common.js';

export interface ListTarget {
  /** Macro values for descriptions: $target, $pid, $ppid, $1... */
  macros: Record<string, string | number | undefined>;
  /** Ends what was started for the listing (a -c command never runs: it is killed at its gate). */
  done(): void;
}

/** Starts -c's command held before exec (or checks -p's process) and gives the macros that name it. */
export function listTarget(args: CliArgs): ListTarget {
  const macros: Record<string, string | number | undefined> = { pid: process.pid, ppid: process.ppid };
  args.operands.forEach((v, i) => (macros[String(i + 1)] = v));
  if (args.commands.length) {
    let child;
    try {
      child = startGated(args.commands[0]);
    } catch (e) {
      throw new Fatal(`failed to execute ${args.commands[0]}: ${(e as Error).message}`);
    }
    registerExecTarget(child.pid, args.commands[0]);
    macros.target = child.pid;
    const c = child;
    return {
      macros,
      done: () => {
        forgetExecTarget(c.pid);
        c.child.kill('SIGKILL');
      },
    };
  }
  if (args.pids.length) {
    try {
      process.kill(args.pids[0], 0);
    } catch {
      throw new Fatal(`failed to grab pid ${args.pids[0]}: No such process`);
    }
    macros.target = args.pids[0];
  }
  return { macros, done: () => {} };
}

/** Replaces `$name` in a probe description by its macro value (unknown macros stay as written). */
export function expandListMacros(text: string, macros: ListTarget['macros']): string {
  return text.replace(/\$(\w+)/g, (m, name: string) => (macros[name] !== undefined ? String(macros[name]) : m));
}
