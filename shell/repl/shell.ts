// The shell's input loop logic, shared by line mode and the terminal UI: dot-commands, D clauses
// (multi-line until their braces balance), `dtrace ARGS`, and pasted sessions.
import { commands } from '../commands/index.js';
import type { ShellContext } from '../commands/command.js';
import { describeFailure } from '../cli/failure.js';
import { stripPrompt, isOutputLine, clauseComplete } from './paste.js';

export interface ShellIO {
  out(s: string): void;
  err(s: string): void;
}

export class Shell {
  readonly ctx: ShellContext;
  private pending = '';
  /** A clause with no braces yet: enabled when the next line does not continue it (with `{` or `/`). */
  private tentative?: string;
  done = false;

  constructor(io: ShellIO, cwd = process.cwd()) {
    const ctx: ShellContext = {
      out: (s) => io.out(s),
      err: (s) => io.err(s),
      quit: () => (this.done = true),
      history: [],
      cwd,
      commands,
      runLine: (line) => this.feed(line),
      ensureLive: async () => {
        if (!ctx.driver) ctx.driver = (await import('../engine/driver.js')).loadDriver();
        if (!ctx.live) {
          const { LiveSession } = await import('../engine/live.js');
          ctx.live = new LiveSession(ctx.driver.table, { out: (s) => io.out(s), err: (s) => io.err(s) });
        }
        return ctx.live;
      },
    };
    this.ctx = ctx;
  }

  /** True while a clause is being typed over several lines. */
  get continuing(): boolean {
    return this.pending !== '';
  }

  /** True when a brace-less clause waits to see whether the next line continues it. */
  get hasTentative(): boolean {
    return this.tentative !== undefined;
  }

  /** Enables a waiting brace-less clause (end of input, or a pause after Enter). */
  async flush(): Promise<void> {
    const t = this.tentative;
    this.tentative = undefined;
    if (t !== undefined) await this.enable(t);
  }

  /** Handles one line of input. */
  async feed(raw: string): Promise<void> {
    if (this.tentative !== undefined) {
      if (/^\s*[{/]/.test(raw)) {
        this.pending = this.tentative + '\n' + raw;
        this.tentative = undefined;
        if (clauseComplete(this.pending)) await this.enable(this.takePending());
        return;
      }
      await this.flush();
    }
    if (this.pending) {
      this.pending += '\n' + raw;
      if (clauseComplete(this.pending)) await this.enable(this.takePending());
      return;
    }
    const line = stripPrompt(raw).trim();
    if (!line || line.startsWith('//') || isOutputLine(raw.trimEnd())) return;
    this.ctx.history.push(line);
    if (line.startsWith('.')) return this.command(line);
    if (line === 'load') return this.command('.load');
    if (/^dtrace(\s|$)/.test(line)) {
      return this.guard(async () => (await import('./dtrace-line.js')).runDtraceLine(this.ctx, line.slice(6).trim()));
    }
    if (clauseComplete(line)) {
      if (line.includes('{')) return this.enable(line);
      this.tentative = line;
      return;
    }
    this.pending = line;
  }

  private takePending(): string {
    const t = this.pending;
    this.pending = '';
    return t;
  }

  /** Abandons a half-typed clause (Ctrl-C at the prompt). */
  cancelPending(): boolean {
    const had = this.pending !== '';
    this.pending = '';
    return had;
  }

  private async enable(text: string): Promise<void> {
    await this.guard(async () => {
      await this.ctx.ensureLive();
      const { enableText } = await import('../commands/enable-text.js');
      const { closestProbes } = await import('../engine/closest.js');
      await enableText(this.ctx, text, (d) => closestProbes(this.ctx.driver!.table, d));
    });
  }

  private async command(line: string): Promise<void> {
    await this.flush();
    const m = /^\.(\S+)\s*([\s\S]*)$/.exec(line)!;
    const cmd = this.ctx.commands.find((c) => c.name === m[1]);
    if (!cmd) {
      this.ctx.err(`dtsh: unknown command .${m[1]} (try .help)\n`);
      return;
    }
    await this.guard(() => cmd.action(this.ctx, m[2]));
  }

  private async guard(f: () => void | Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.ctx.err(`dtsh: ${describeFailure(e)}\n`);
    }
  }

  /** Ends the session: disables everything, runs END and prints the aggregations left. */
  async close(): Promise<void> {
    this.ctx.watch?.stop();
    await this.flush();
    await this.ctx.live?.close();
  }
}
