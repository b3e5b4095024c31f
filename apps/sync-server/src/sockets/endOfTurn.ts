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
  private readonly lanes = new Map<TurnLane, (() => void)[]>(LANES.map((lane) => [lane, []]));
  private scheduled = false;

  /** Runs `task` at the end of this turn, after the tasks of earlier lanes. */
  defer(lane: TurnLane, task: () => void): void {
    this.lanes.get(lane)!.push(task);
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
        for (const task of tasks.splice(0)) task();
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
