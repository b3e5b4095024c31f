import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

function getconf(name: string, fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

const CLK_TCK = getconf('CLK_TCK', 100);
const PAGE_SIZE = getconf('PAGESIZE', 4096);

/** CPU time and memory of a process, read from /proc (Linux); null when unavailable. */
export interface ProcSample {
  /** User + system CPU time of all the process's threads, in ms. */
  cpuMs: number;
  /** Resident set size in bytes. */
  rssBytes: number;
}

export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 3 (state) is index 0 here, so utime (14) is 11, stime (15) 12, rss (24) 21.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { cpuMs: (ticks * 1000) / CLK_TCK, rssBytes: Number(fields[21]) * PAGE_SIZE };
  } catch {
    return null;
  }
}

/** `pid` and every process descended from it (Linux, /proc); just `pid` when /proc cannot be read. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(entry));
        children.set(ppid, list);
      } catch {
        // exited while we looked
      }
    }
  } catch {
    return [pid];
  }
  const tree: number[] = [];
  const stack = [pid];
  while (stack.length > 0 && tree.length < 10_000) {
    const next = stack.pop()!;
    tree.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** CPU time and RSS summed over `pid` and its descendants (a browser and its renderers); null when `pid` is gone. */
export function sampleTree(pid: number): ProcSample | null {
  const root = sampleProc(pid);
  if (!root) return null;
  let cpuMs = 0;
  let rssBytes = 0;
  for (const p of processTree(pid)) {
    const sample = sampleProc(p);
    cpuMs += sample?.cpuMs ?? 0;
    rssBytes += sample?.rssBytes ?? 0;
  }
  return { cpuMs, rssBytes };
}

/** Whether a program is on the PATH. */
export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of this process to one CPU (Linux, taskset); returns whether it worked. */
export function pinSelf(cpu: number): boolean {
  if (!hasProgram('taskset')) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** CPU use of this process over an interval, as a share of one core. */
export class SelfCpu {
  private start = process.cpuUsage();
  private startedAt = performance.now();

  reset(): void {
    this.start = process.cpuUsage();
    this.startedAt = performance.now();
  }

  /** Share of one core used since the last reset (1 = a full core). */
  share(): number {
    const used = process.cpuUsage(this.start);
    const wallUs = (performance.now() - this.startedAt) * 1000;
    return wallUs > 0 ? (used.user + used.system) / wallUs : 0;
  }
}

/** Busy CPU time of the whole machine (all cores, all processes) in ms, from /proc/stat. */
export function machineBusyMs(): number {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** The hard limit on open files for processes started from here (ulimit -Hn). */
export function hardNoFileLimit(): number {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  } catch {
    return Number.NaN;
  }
}

let canRaise: boolean | null = null;
/** Whether `prlimit` may raise the open-files limit above the hard limit (needs CAP_SYS_RESOURCE). */
export function canRaiseNoFile(): boolean {
  if (canRaise === null) {
    try {
      const hard = hardNoFileLimit();
      const wanted = Number.isFinite(hard) ? hard + 1 : 1_048_576;
      execFileSync('prlimit', [`--nofile=${wanted}:${wanted}`, '--', 'true'], { stdio: 'ignore' });
      canRaise = true;
    } catch {
      canRaise = false;
    }
  }
  return canRaise;
}

/**
 * CPU time the main thread of process `pid` (its event loop; worker threads not counted) has
 * run, in ms, from the scheduler's nanosecond count; NaN where /proc does not tell. Unlike
 * latency or loop lag it does not grow when other work on the machine takes the core away.
 */
export function mainThreadCpuMs(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}
