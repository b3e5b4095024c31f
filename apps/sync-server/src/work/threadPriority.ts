import fs from 'node:fs';
import os from 'node:os';

/** The niceness worker threads run at: background work, yielding the CPU to the event loop that relays keystrokes. */
export const WORKER_NICENESS = 10;

/**
 * The kernel's id of the calling thread (Linux: `/proc/thread-self` links to
 * `<pid>/task/<tid>`); null elsewhere.
 */
export function currentThreadId(): number | null {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Lowers the calling thread's CPU priority to `niceness`, leaving the process's other
 * threads as they are (on Linux, `setpriority` on a thread id applies to that thread
 * alone). A diff or a restore on a worker then takes the CPU only when the event loop
 * does not want it, which matters when the threads share a core. Best effort: false
 * where threads have no id of their own or the call is refused.
 */
export function lowerThreadPriority(niceness: number): boolean {
  const tid = currentThreadId();
  if (tid === null) return false;
  try {
    if (os.getPriority(tid) >= niceness) return true;
    os.setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
