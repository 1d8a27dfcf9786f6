/** Processor time on this (Linux) machine, to tell what a load run was bound by. */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux counts processor time in ticks of 10 ms (USER_HZ 100). */
const TICK_MS = 10;

/** Processor time (ms) used so far by a process and everything it started. */
export function processTreeMs(rootPid: number): number {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces: state, parent, …, utime (12th), stime.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (pid: number, depth = 0): boolean => pid === rootPid || (depth < 64 && stats.has(pid) && inTree(stats.get(pid)!.parent, depth + 1));
  return [...stats].filter(([pid]) => inTree(pid)).reduce((sum, [, stat]) => sum + stat.ticks * TICK_MS, 0);
}

/** Processor time (ms) this process has used. */
export function ownMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Processor time (ms) every process on the machine has used, all cores together. */
export function machineMs(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}
