// `.watch [-n COUNT] SECONDS EXPR`: `.query EXPR` again every SECONDS. In the terminal UI the result
// redraws in the live region until Ctrl-C (or COUNT evaluations); in line mode each evaluation is
// printed: COUNT of them before the next line is read, or without -n in the background until the
// input ends. `.watch` alone stops it.
import type { Command, ShellContext } from './command.js';

export interface WatchArgs {
  count?: number;
  seconds: number;
  expr: string;
}

const USAGE = 'usage: .watch [-n COUNT] SECONDS EXPR (e.g. .watch 1 @counts^(>value)[[0..4]])';

export function parseWatchArgs(args: string): WatchArgs | string {
  const m = /^(?:-n\s*(\d+)\s+)?(\d+(?:\.\d*)?|\.\d+)s?\s+(\S[\s\S]*)$/.exec(args.trim());
  if (!m) return USAGE;
  const seconds = Number(m[2]);
  const count = m[1] === undefined ? undefined : Number(m[1]);
  if (!(seconds > 0) || seconds > 86400) return 'the interval must be between 0 and 86400 seconds';
  if (count !== undefined && count < 1) return 'the count must be at least 1';
  return { count, seconds, expr: m[3].trim() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function header(w: WatchArgs, n: number): string {
  return `Every ${w.seconds}s: ${w.expr}  (${w.count ? `${n} of ${w.count}` : n})\n`;
}

async function start(ctx: ShellContext, w: WatchArgs): Promise<void> {
  const sq = await import('../query/shell-query.js');
  const q = sq.compileForShell(w.expr);
  if (typeof q === 'string') {
    ctx.err(`dtsh: .watch: ${q}\n`);
    return;
  }
  ctx.watch?.stop();
  let n = 0;
  const frame = async () => {
    n++;
    const r = await sq.evaluateForShell(ctx, q);
    return r.ok ? { ok: true, text: header(w, n) + r.text } : { ok: false, text: `dtsh: .watch: ${r.error}\n` };
  };
  const show = ctx.showLive;

  if (!show && w.count !== undefined) {
    // line mode, bounded: every evaluation before the next line is read
    for (let i = 0; i < w.count; i++) {
      if (i) await sleep(w.seconds * 1000);
      const f = await frame();
      if (!f.ok) {
        ctx.err(f.text);
        return;
      }
      ctx.out(f.text);
    }
    return;
  }

  // in the background: the UI's live region, or line mode until the input ends
  let stopped = false;
  let last = '';
  let timer: NodeJS.Timeout | undefined;
  const handle = { stop: () => finish() };
  const finish = (error?: string) => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    if (ctx.watch === handle) ctx.watch = undefined;
    if (show) {
      show(undefined);
      if (last) ctx.out(last);
    }
    if (error) ctx.err(error);
  };
  const tick = async (): Promise<void> => {
    if (stopped) return;
    const began = Date.now();
    let f: { ok: boolean; text: string };
    try {
      f = await frame();
    } catch (e) {
      f = { ok: false, text: `dtsh: .watch: ${(e as Error).message}\n` };
    }
    if (stopped) return;
    if (!f.ok) return finish(f.text);
    last = f.text;
    if (show) show(f.text);
    else ctx.out(f.text);
    if (w.count !== undefined && n >= w.count) return finish();
    timer = setTimeout(() => void tick(), Math.max(0, w.seconds * 1000 - (Date.now() - began)));
    if (!show) timer.unref();
  };
  ctx.watch = handle;
  await tick();
}

export const watchCommand: Command = {
  name: 'watch',
  usage: '[-n COUNT] SECONDS EXPR',
  help: 'evaluate a query every SECONDS, redrawn until Ctrl-C (.watch alone stops it)',
  args: 'agg',
  async action(ctx, args) {
    if (!args.trim()) {
      if (ctx.watch) ctx.watch.stop();
      else ctx.out('no .watch is running\n');
      return;
    }
    const w = parseWatchArgs(args);
    if (typeof w === 'string') {
      ctx.err(`dtsh: .watch: ${w}\n`);
      return;
    }
    await start(ctx, w);
  },
};
