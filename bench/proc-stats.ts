/**
 * Server-side figures from Linux's /proc, so the load generator never measures itself:
 * - CPU: `utime + stime` of every process of a server (a cluster primary and its workers), in
 *   clock ticks (`CLK_TCK`, 100 a second on Linux); over a run it gives cores used (1.0 = one core);
 * - peak RSS: `VmHWM` (the high-water mark of resident memory since the process started).
 */
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond = 100;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The server process and its direct children (cluster workers). */
export function processTree(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // After the name: state (3), ppid (4) → index 1.
    if (fields && Number(fields[1]) === pid) children.push(Number(entry));
  }
  return [pid, ...children];
}

/** CPU seconds (user + system) used so far by the listed processes. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    // utime and stime are fields 14 and 15 → indexes 11 and 12 after the name.
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

/** CPU seconds used so far by each listed process that is still there. */
export function cpuSecondsByPid(pids: readonly number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    const fields = statFields(pid);
    if (fields) seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
  }
  return seconds;
}

/**
 * CPU seconds the processes alive at `after` used since `before` (a process started in between
 * counts from zero). One that exited in between is left out, so the figure may fall short, but a
 * pool closing idle connections never makes it negative.
 */
export function cpuSecondsSince(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}

/** `VmHWM` in MiB, or 0 when the process is gone. */
export function peakRssMiB(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has been busy (every core: user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / ticksPerSecond
  );
}

/** PostgreSQL's server processes on this machine (part of the system under test when it serves). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone in between
    }
  }
  return pids;
}
