// Builds test/fixtures/provider-target.c once per test run (gcc) and returns its path; its execname is `ptarget`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let built: string | undefined;

export function providerTargetPath(): string {
  if (built) return built;
  const src = resolve('test/fixtures/provider-target.c');
  const dir = join(tmpdir(), 'dtsh-test', `provider-target-${statSync(src).mtimeMs}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'ptarget');
  if (!existsSync(out)) execFileSync('gcc', ['-O2', '-o', out, src]);
  built = out;
  return out;
}
