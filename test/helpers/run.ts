// Runs the built dtrace/dtsh commands as child processes and collects their output.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const DTRACE = resolve('dist/shell/bin/dtrace.js');
export const DTSH = resolve('dist/shell/bin/dtsh.js');

export interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function dtrace(args: string[], opts: { input?: string; timeout?: number } = {}): Result {
  const r = spawnSync(process.execPath, [DTRACE, ...args], { encoding: 'utf8', input: opts.input, timeout: opts.timeout ?? 60000, maxBuffer: 1 << 28 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function dtsh(input: string, args: string[] = []): Result {
  const r = spawnSync(process.execPath, [DTSH, ...args], { encoding: 'utf8', input, timeout: 60000, maxBuffer: 1 << 26 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts dtrace in the background. */
export function startDtrace(args: string[]): { child: ChildProcess; output: Promise<Result> } {
  const child = spawn(process.execPath, [DTRACE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const output = new Promise<Result>((res) => child.on('close', (status, signal) => res({ status, signal, stdout, stderr })));
  return { child, output };
}

export { bpfProgIds } from './proc-fds.js';

/** Waits until `pred` holds (polling), or fails after `ms`. */
export async function waitFor(pred: () => boolean, ms = 10000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function runAsNobody(args: string[]): Result {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, DTRACE, ...args],
    { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
