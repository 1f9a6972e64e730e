// For the VM suites (test/vm): the fbt gate, the trigger built on the host, dtrace runs and their rows.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DTRACE } from './run.js';
import { triggerPath } from './trigger.js';
import { kernelSkipReason } from '../kernel-gate.js';
import { detectFbtSupport } from '../../kmod/probes/fbt-support.js';

/** Runs where fbt can attach; in the VM (or with DTSH_REQUIRE_KERNEL=1) anything else is a failure. */
export function gate(): { skip?: string } {
  let reason = kernelSkipReason();
  if (!reason) {
    const s = detectFbtSupport();
    if (!s.fentry && !s.kprobes) reason = `fbt cannot attach on this kernel: ${s.reason}`;
  }
  if (!reason) return {};
  if (process.env.DTSH_REQUIRE_KERNEL === '1' || process.env.VMLANE_GUEST === '1') throw new Error(`VM suite cannot run: ${reason}`);
  return { skip: reason };
}

/** The trigger built on the host by `npm run test:vm` (gcc is slow under emulation), else built here; named `trigger`. */
export function trigger(): string {
  const pre = resolve('dist/test/vm/trigger');
  if (existsSync(pre) && statSync(pre).mtimeMs >= statSync(resolve('test/fixtures/trigger.c')).mtimeMs) return pre;
  const dir = join(tmpdir(), 'dtsh-vm');
  mkdirSync(dir, { recursive: true });
  const named = join(dir, 'trigger');
  if (!existsSync(named)) copyFileSync(triggerPath(), named);
  return named;
}

export function run(args: string[], env: Record<string, string> = {}, timeout = 120000) {
  const r = spawnSync(process.execPath, [DTRACE, ...args], {
    encoding: 'utf8', timeout, maxBuffer: 1 << 28, env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The rows of a printed aggregation, each split on runs of spaces. */
export const rows = (out: string) => out.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split(/\s+/));
