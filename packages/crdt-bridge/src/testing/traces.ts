import fs from 'node:fs';
import zlib from 'node:zlib';
import * as Y from 'yjs';

/** One edit: at `position` (code points), delete `deleteCount`, then insert `insert`. */
export type TracePatch = [position: number, deleteCount: number, insert: string];

/** One transaction of a concurrent trace, made by `agent` on the state after all of `parents`. */
export interface ConcurrentTraceTxn {
  agent: number;
  parents: number[];
  patches: TracePatch[];
}

/** A concurrent editing trace (josephg/editing-traces format, see the traces README). */
export interface ConcurrentTrace {
  kind: 'concurrent';
  numAgents: number;
  endContent: string;
  txns: ConcurrentTraceTxn[];
}

/** Reads a gzipped concurrent trace; throws a RangeError when the file is not one. */
export function readConcurrentTrace(file: string): ConcurrentTrace {
  const data: unknown = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
  const trace = data as Partial<ConcurrentTrace>;
  if (
    typeof data !== 'object' ||
    data === null ||
    trace.kind !== 'concurrent' ||
    typeof trace.numAgents !== 'number' ||
    typeof trace.endContent !== 'string' ||
    !Array.isArray(trace.txns)
  ) {
    throw new RangeError(`${file} is not a concurrent editing trace`);
  }
  return trace as ConcurrentTrace;
}

/** Yjs client id used for an agent's changes (fixed, so replays are reproducible). */
export function agentClientId(agent: number): number {
  return 0x7a00_0000 + agent;
}

/**
 * Merges many updates into one. An agent that joins late must catch up on thousands of
 * tiny updates: applying them one by one, or merging them in one call, is quadratic in
 * Yjs; merging in small groups, then groups of those, is fast.
 */
export function mergeMany(updates: readonly Uint8Array[]): Uint8Array {
  let level = [...updates];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 32) next.push(Y.mergeUpdates(level.slice(i, i + 32)));
    level = next;
  }
  return level[0] ?? Y.encodeStateAsUpdate(new Y.Doc());
}

/** Marks the replayer's own transactions on an agent's view. */
const AUTHOR = Symbol('trace author');

/**
 * Replays a concurrent trace faithfully. Each agent has a *view*: a Y.Doc holding
 * exactly the transactions its next one was made on (the closure of its parents), so
 * trace positions mean what they meant when recorded. Each transaction's Yjs update is
 * recorded so other agents can catch their views up to it, and handed to `deliver`.
 *
 * Used by {@link replayLocally} (no server: the reference) and by tests that route
 * each agent's updates through its own client and the server.
 */
export class TraceReplay {
  readonly trace: ConcurrentTrace;
  /** Number of transactions replayed (a prefix of the trace; parents always precede children). */
  readonly length: number;
  /** Each agent's transaction indices, in its own order. */
  readonly agentTxns: number[][];
  /** The recorded update of each replayed transaction. */
  readonly updates: (Uint8Array | undefined)[];
  /** The author's clock just after each transaction (what a receiver's state vector must reach). */
  readonly clockAfter: number[];
  private readonly views: Y.Doc[];
  /** Per transaction: for each agent, the position in its own list of its latest transaction among the ancestors (-1: none). */
  private readonly frontiers: Int32Array[];
  /** Per agent view: for each agent, how many of its transactions the view holds. */
  private readonly applied: Int32Array[];
  private readonly ownPosition: Int32Array;

  constructor(trace: ConcurrentTrace, limit = trace.txns.length) {
    this.trace = trace;
    this.length = Math.min(limit, trace.txns.length);
    const agents = trace.numAgents;
    this.agentTxns = Array.from({ length: agents }, () => []);
    this.ownPosition = new Int32Array(this.length);
    this.frontiers = [];
    for (let i = 0; i < this.length; i++) {
      const { agent, parents } = trace.txns[i]!;
      const frontier = new Int32Array(agents).fill(-1);
      for (const parent of parents) {
        if (parent >= i) throw new RangeError(`txn ${i} names a later parent ${parent}`);
        const parentFrontier = this.frontiers[parent]!;
        for (let b = 0; b < agents; b++) frontier[b] = Math.max(frontier[b]!, parentFrontier[b]!);
        const parentAgent = trace.txns[parent]!.agent;
        frontier[parentAgent] = Math.max(frontier[parentAgent]!, this.ownPosition[parent]!);
      }
      const own = this.agentTxns[agent]!;
      if (frontier[agent] !== own.length - 1)
        throw new RangeError(`txn ${i} does not build on agent ${agent}'s previous transaction`);
      this.ownPosition[i] = own.length;
      own.push(i);
      this.frontiers.push(frontier);
    }
    this.updates = new Array<Uint8Array | undefined>(this.length);
    this.clockAfter = new Array<number>(this.length).fill(0);
    this.views = Array.from({ length: agents }, (_, agent) => {
      const view = new Y.Doc({ gc: true });
      view.clientID = agentClientId(agent);
      return view;
    });
    this.applied = Array.from({ length: agents }, () => new Int32Array(agents));
  }

  /**
   * The transactions (of other agents) that `txn` was made on and its agent's view does
   * not hold yet, in trace order; a receiver must have them before `txn`.
   */
  missingBefore(txn: number): number[] {
    const { agent } = this.trace.txns[txn]!;
    const frontier = this.frontiers[txn]!;
    const applied = this.applied[agent]!;
    const missing: number[] = [];
    for (let b = 0; b < frontier.length; b++) {
      if (b === agent) continue;
      for (let k = applied[b]!; k <= frontier[b]!; k++) missing.push(this.agentTxns[b]![k]!);
    }
    // Trace order is causal order, in which updates integrate without waiting on each other.
    return missing.sort((x, y) => x - y);
  }

  /**
   * For each other agent, its latest transaction among those `txn` was made on, when
   * the view lacks it. A receiver has all of `txn`'s parents once it has these (each
   * agent's transactions are ordered, and each includes the ones before it).
   */
  latestMissingBefore(txn: number): number[] {
    const { agent } = this.trace.txns[txn]!;
    const frontier = this.frontiers[txn]!;
    const applied = this.applied[agent]!;
    const latest: number[] = [];
    for (let b = 0; b < frontier.length; b++) {
      if (b !== agent && frontier[b]! >= applied[b]!) latest.push(this.agentTxns[b]![frontier[b]!]!);
    }
    return latest;
  }

  /**
   * Makes transaction `txn` on its agent's view and returns its Yjs update. Every
   * transaction in {@link missingBefore} must have been made already.
   */
  make(txn: number): Uint8Array {
    const { agent, patches } = this.trace.txns[txn]!;
    const view = this.views[agent]!;
    const applied = this.applied[agent]!;
    const catchUp: Uint8Array[] = [];
    for (const parent of this.missingBefore(txn)) {
      const update = this.updates[parent];
      if (!update) throw new RangeError(`txn ${txn} needs txn ${parent}, which has not been made yet`);
      catchUp.push(update);
      const parentAgent = this.trace.txns[parent]!.agent;
      applied[parentAgent] = this.ownPosition[parent]! + 1;
    }
    if (catchUp.length > 0) Y.applyUpdate(view, mergeMany(catchUp));
    let made: Uint8Array | null = null;
    const capture = (update: Uint8Array, origin: unknown): void => {
      if (origin === AUTHOR) made = update;
    };
    view.on('update', capture);
    view.transact(() => {
      const text = view.getText('t');
      for (const [position, deleteCount, insert] of patches) {
        if (deleteCount > 0) text.delete(position, deleteCount);
        if (insert.length > 0) text.insert(position, insert);
      }
    }, AUTHOR);
    view.off('update', capture);
    applied[agent] = this.ownPosition[txn]! + 1;
    // A transaction that changes nothing still counts; an empty update keeps the bookkeeping simple.
    const update: Uint8Array = made ?? Y.encodeStateAsUpdate(new Y.Doc());
    this.updates[txn] = update;
    this.clockAfter[txn] = Y.getState(view.store, view.clientID);
    return update;
  }

  /** Frees the views. */
  destroy(): void {
    for (const view of this.views) view.destroy();
  }
}

/** Replays the first `limit` transactions without any server; returns the resulting text. */
export function replayLocally(trace: ConcurrentTrace, limit = trace.txns.length): string {
  const replay = new TraceReplay(trace, limit);
  const merged = new Y.Doc();
  for (let i = 0; i < replay.length; i++) Y.applyUpdate(merged, replay.make(i));
  const text = merged.getText('t').toString();
  replay.destroy();
  merged.destroy();
  return text;
}

/** Options for {@link replayThroughDocs}. */
export interface ReplayOptions {
  /** Give up when an agent waits this long for a transaction to reach it. */
  stallTimeoutMs?: number;
}

/**
 * Replays the first `replay.length` transactions with one document per agent (typically
 * each agent's client session doc). Each agent makes its transactions in order; before
 * each, it waits until every transaction it builds on has *arrived in its own document*
 * (through the server), then applies its new update there, for the session to send.
 */
export async function replayThroughDocs(
  replay: TraceReplay,
  docs: readonly Y.Doc[],
  options: ReplayOptions = {},
): Promise<void> {
  const { trace } = replay;
  if (docs.length !== trace.numAgents) throw new RangeError(`need ${trace.numAgents} docs, got ${docs.length}`);
  const stallTimeoutMs = options.stallTimeoutMs ?? 20_000;
  let wake: (() => void)[] = [];
  const madeSomething = (): void => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };

  /** Resolves once `txn`'s parents are made and have reached `doc`. */
  const ready = (txn: number, doc: Y.Doc): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const parent of replay.latestMissingBefore(txn)) {
          if (!replay.updates[parent]) return false;
          const author = agentClientId(trace.txns[parent]!.agent);
          if (Y.getState(doc.store, author) < replay.clockAfter[parent]!) return false;
        }
        return true;
      };
      if (check()) return resolve();
      let settled = false;
      let timer: ReturnType<typeof setTimeout>;
      // "Stalled" means no progress at all for a while, not a long wait behind a busy trace.
      const armTimer = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          settled = true;
          doc.off('update', onArrival);
          reject(new Error(`agent ${trace.txns[txn]!.agent} stalled before txn ${txn}: its parents never arrived`));
        }, stallTimeoutMs);
      };
      const done = (): void => {
        settled = true;
        clearTimeout(timer);
        doc.off('update', onArrival);
        resolve();
      };
      // Re-checked when something reaches this doc, and when any agent makes a transaction.
      const onArrival = (): void => {
        if (settled) return;
        if (check()) done();
        else armTimer();
      };
      const onMade = (): void => {
        if (settled) return;
        if (check()) return done();
        armTimer();
        wake.push(onMade);
      };
      armTimer();
      doc.on('update', onArrival);
      wake.push(onMade);
    });

  const runAgent = async (agent: number): Promise<void> => {
    const doc = docs[agent]!;
    let sinceYield = 0;
    for (const txn of replay.agentTxns[agent]!) {
      if (txn >= replay.length) break;
      await ready(txn, doc);
      Y.applyUpdate(doc, replay.make(txn));
      madeSomething();
      // Let the sockets breathe now and then when an agent runs ahead on its own.
      if (++sinceYield >= 200) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };

  await Promise.all(Array.from({ length: trace.numAgents }, (_, agent) => runAgent(agent)));
}
