/** What runs at the end of a turn, in this order: messages out first, then the commit (which may fsync). */
export type TurnLane = 'network' | 'storage';

const LANES: readonly TurnLane[] = ['network', 'storage'];

/** Enough for "flush, commit, flush what the commit produced"; bounds a lane that keeps refilling itself. */
const MAX_PASSES = 4;

/**
 * Work deferred to the end of the current event-loop turn (one `setImmediate`
 * for all of it), run lane by lane. Everything that arrived in one turn is then
 * written to each socket together, and relayed before the commit blocks the
 * thread on fsync rather than after it.
 */
export class EndOfTurn {
  /**
   * Each lane's tasks as pairs: function, then its argument. A task with an argument lets
   * one function serve many objects (every connection's flush) with no closure per object.
   */
  private readonly lanes = new Map<TurnLane, unknown[]>(LANES.map((lane) => [lane, []]));
  private scheduled = false;

  /** Runs `task` (with `arg`) at the end of this turn, after the tasks of earlier lanes. */
  defer(lane: TurnLane, task: () => void): void;
  defer<T>(lane: TurnLane, task: (arg: T) => void, arg: T): void;
  defer(lane: TurnLane, task: (arg: unknown) => void, arg?: unknown): void {
    this.lanes.get(lane)!.push(task, arg);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let ran = false;
      for (const lane of LANES) {
        const tasks = this.lanes.get(lane)!;
        if (tasks.length === 0) continue;
        ran = true;
        const pairs = tasks.splice(0);
        for (let i = 0; i < pairs.length; i += 2) (pairs[i] as (arg: unknown) => void)(pairs[i + 1]);
      }
      if (!ran) return;
    }
    // Still refilling: the rest waits for the next turn rather than starving I/O.
    if ([...this.lanes.values()].some((tasks) => tasks.length > 0) && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  };
}
