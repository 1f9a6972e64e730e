// Decides whether kernel tests can run here; under DTSH_REQUIRE_KERNEL=1 a skip becomes a failure.
import { existsSync, readFileSync } from 'node:fs';

function capEff(): bigint {
  const m = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? BigInt('0x' + m[1]) : 0n;
}

/** Why kernel tests cannot run here, or undefined when they can. */
export function kernelSkipReason(): string | undefined {
  const caps = capEff();
  const hasBpf = (caps >> 39n) & 1n || (caps >> 21n) & 1n;
  if (!hasBpf) return 'needs root (CAP_BPF and CAP_PERFMON)';
  if (!existsSync('/sys/kernel/tracing/events')) return 'tracefs is not mounted at /sys/kernel/tracing';
  return undefined;
}

/** Options for node:test's `test()`/`describe()`: skip with a reason, or fail in CI when skipped. */
export function kernelTest(): { skip?: string } {
  const reason = kernelSkipReason();
  if (!reason) return {};
  if (process.env.DTSH_REQUIRE_KERNEL === '1') throw new Error(`kernel tests required but cannot run: ${reason}`);
  return { skip: reason };
}
