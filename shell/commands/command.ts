// Shell commands as data: a name, a one-line help, and an action over the session context.
import type { Driver } from '../engine/driver.js';
import type { LiveSession } from '../engine/live.js';

export interface ShellContext {
  out(s: string): void;
  err(s: string): void;
  /** The loaded driver, once `.load` ran (commands that need it load it on first use). */
  driver?: Driver;
  /** The live trace: the enabled clauses and their maps. */
  live?: LiveSession;
  /** Loads the driver and starts the live session if needed (the tracing modules load on first use). */
  ensureLive(): Promise<LiveSession>;
  /** Ends the shell after this command. */
  quit(): void;
  /** Lines entered so far (for .history). */
  history: string[];
  /** Where relative paths of .save/.source resolve. */
  cwd: string;
  /** Runs one shell line (for .source and pasted sessions). */
  runLine(line: string): Promise<void>;
  commands: readonly Command[];
  /** The running `.watch`: stopped by `.watch` alone, by Ctrl-C in the terminal UI, and when the session ends. */
  watch?: { stop(): void };
  /** Set by the terminal UI: shows text in its live region (`.watch` redraws there); undefined clears it. */
  showLive?(text: string | undefined): void;
}

export interface Command {
  name: string;
  /** Argument synopsis, e.g. `[desc]`. */
  usage: string;
  help: string;
  /** What the argument completes to: probe descriptions, files, aggregation names, command names. */
  args?: 'probe' | 'file' | 'agg' | 'command' | 'option' | 'none';
  action(ctx: ShellContext, args: string): void | Promise<void>;
}
