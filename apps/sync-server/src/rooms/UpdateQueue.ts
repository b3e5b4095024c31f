/**
 * Runs a room's update jobs one after another, in the order they arrive. A job may take
 * several turns of the event loop (a large update applied a part at a time); whatever
 * arrives meanwhile waits behind it, so a client's later edits never overtake the
 * earlier ones they build on.
 */
export class UpdateQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Whether no job is running or waiting (a small update may then be applied at once). */
  get idle(): boolean {
    return this.waiting === 0;
  }

  /** Runs `job` after every job submitted before it has settled. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(job);
    this.tail = result
      .catch(() => undefined)
      .finally(() => {
        this.waiting--;
      });
    return result;
  }
}
