// Helpers for the D-language CLI tests: the trigger under the name `trigger` (so execname is exactly
// "trigger"), quiet runs of a D program against it under -c, and probe IDs as `dtrace -l` prints them.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { dtrace, type Result } from './run.js';
import { triggerPath } from './trigger.js';

let named: string | undefined;

/**
 * The trigger program copied to a file named `trigger`: the kernel's comm (DTrace's execname) is the
 * first 15 bytes of the executable's name, and the built trigger's own name is longer than that.
 */
export function trigger(): string {
  if (named) return named;
  const src = triggerPath();
  const dir = `${src}.named`;
  const out = join(dir, 'trigger');
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${out}.${process.pid}`;
    copyFileSync(src, tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, out);
  }
  named = out;
  return out;
}

/** `trigger MODE ARGS...` as a -c command line. */
export function triggerCmd(args: string): string {
  return `${trigger()} ${args}`;
}

/** Runs `dtrace -q -n PROGRAM [-c trigger ARGS]` and checks it exited with `status`. */
export function quiet(program: string, triggerArgs?: string, status = 0, extra: string[] = []): Result {
  const args = ['-q', '-n', program, ...extra];
  if (triggerArgs !== undefined) args.push('-c', triggerCmd(triggerArgs));
  const r = dtrace(args);
  assert.equal(r.status, status, `status ${r.status} (signal ${r.signal}); stderr:\n${r.stderr}`);
  return r;
}

/** stderr without dtrace's "pid N has exited" notice (which -q should suppress anyway). */
export function stderrWithoutExitNotice(r: Result): string {
  return r.stderr.replace(/^dtrace: pid \d+ (has exited|exited with status \d+)\n/m, '');
}

const idCache = new Map<string, number>();

/** Probe IDs for full `provider:module:function:name` names, read from `dtrace -l -n DESC...`. */
export function probeIds(...descs: string[]): Map<string, number> {
  const missing = descs.filter((d) => !idCache.has(d));
  if (missing.length) {
    const r = dtrace(['-l', ...missing.flatMap((d) => ['-n', d])]);
    assert.equal(r.status, 0, r.stderr);
    for (const line of r.stdout.trimEnd().split('\n').slice(1)) {
      // ID PROVIDER MODULE FUNCTION NAME, with MODULE and FUNCTION possibly empty (dtrace:::BEGIN)
      const m = /^ *(\d+) +(\S+) +(.*) (\S+)$/.exec(line);
      assert.ok(m, `unexpected -l line: ${line}`);
      const [, id, prov, middle, name] = m;
      const parts = middle.trim().split(/ +/).filter(Boolean);
      const [mod, func] = parts.length === 2 ? parts : parts.length === 1 ? ['', parts[0]] : ['', ''];
      idCache.set(`${prov}:${mod}:${func}:${name}`, Number(id));
    }
  }
  const out = new Map<string, number>();
  for (const d of descs) {
    const id = idCache.get(d);
    assert.ok(id !== undefined, `no probe ${d}`);
    out.set(d, id);
  }
  return out;
}

/** One probe's ID. */
export function probeId(desc: string): number {
  return probeIds(desc).get(desc)!;
}

/** The probe line dtrace(1M) prints before a record's data when not quiet: "%3d %6d %32s ". */
export function probeLinePrefix(id: number, func: string, name: string): RegExp {
  const rest = ` ${String(id).padStart(6)} ${`${func}:${name}`.padStart(32)} `;
  return new RegExp(`^[ \\d]{2}\\d${escapeRe(rest)}`);
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
