// Shell commands as data: a name, a one-line help, and an action over the session context.
import type { Driver } from '../engine/driver.js';

export interface ShellContext {
  out(s: string): void;
  err(s: string): void;
  /** The loaded driver, once `.load` ran. */
  driver?: Driver;
  /** Ends the shell after this command. */
  quit(): void;
  commands: readonly Command[];
}

export interface Command {
  name: string;
  /** Argument synopsis, e.g. `[desc]`. */
  usage: string;
  help: string;
  action(ctx: ShellContext, args: string): void | Promise<void>;
}
