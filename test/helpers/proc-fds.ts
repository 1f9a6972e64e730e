// What a process holds open, read from /proc: its fds' targets and the BPF programs among them (tests and benches).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Each open fd of `pid` and what it points at (`anon_inode:bpf-prog`, `anon_inode:[perf_event]`, ...). */
export function fdLinks(pid: number): { fd: string; link: string }[] {
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const out: { fd: string; link: string }[] = [];
  for (const fd of fds) {
    try {
      out.push({ fd, link: readlinkSync(`/proc/${pid}/fd/${fd}`) });
    } catch {
      // the fd went away
    }
  }
  return out;
}

/** BPF program IDs held open by a process (from /proc/PID/fdinfo). */
export function bpfProgIds(pid: number): number[] {
  const ids: number[] = [];
  for (const { fd, link } of fdLinks(pid)) {
    if (!link.includes('bpf-prog')) continue;
    try {
      const m = /prog_id:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) ids.push(Number(m[1]));
    } catch {
      // the fd went away
    }
  }
  return ids;
}
