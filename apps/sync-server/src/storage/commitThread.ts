import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { APPEND_SQL, CONNECTION_PRAGMAS } from './appendStatements.js';
import type { AppendEntry } from './DocumentStore.js';

/**
 * The thread's code, as a string so it runs the same from TypeScript sources (tests)
 * and from `dist/`. It opens its own connection to the database file (which the main
 * connection has already created and migrated) and does one thing: append a batch of
 * updates in one transaction, `synchronous = FULL`, and report the last row per document.
 * Its pragmas and statements come in `workerData`, from the module `SqliteStore.append`
 * uses too (appendStatements.ts).
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const insertUpdate = db.prepare(workerData.sql.insertUpdate);
const touchDoc = db.prepare(workerData.sql.touchDoc);
const append = db.transaction((entries, now) => {
  const added = new Map();
  const lastSeq = [];
  for (const { docId, update } of entries) {
    const { lastInsertRowid } = insertUpdate.run(docId, update, now);
    added.set(docId, (added.get(docId) || 0) + update.byteLength);
    lastSeq.push([docId, Number(lastInsertRowid)]);
  }
  for (const [docId, bytes] of added) touchDoc.run(now, bytes, docId);
  return lastSeq;
});
parentPort.on('message', ({ id, entries, now }) => {
  try {
    parentPort.postMessage({ id, lastSeq: append(entries, now) });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error), code: error && error.code });
  }
});
`;

interface Reply {
  id: number;
  lastSeq?: [string, number][];
  error?: string;
  /** SQLite's result code (e.g. SQLITE_FULL), so the main thread can tell storage trouble from a bug. */
  code?: string;
}

interface Pending {
  resolve(lastSeq: Map<string, number>): void;
  reject(error: Error): void;
}

/**
 * Commits update batches on a thread of their own. better-sqlite3 is synchronous and
 * a durable commit waits for fsync (milliseconds on a disk); on the main thread that
 * wait stalls every connection, and at a few hundred keystrokes per second it is
 * there for a good share of the time. Here the main thread goes on relaying while
 * the commit thread waits for the disk.
 */
export class CommitThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  /** The promises `append` handed out that have not settled, for `close` to wait on. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string) {}

  /** Appends `entries` in one durable transaction; resolves with the last row id per document. */
  append(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const committed = new Promise<Map<string, number>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while a commit is in flight (an idle thread must not).
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, entries, now });
    });
    this.inFlight.add(committed);
    const forget = (): void => void this.inFlight.delete(committed);
    committed.then(forget, forget);
    return committed;
  }

  /** Waits for the commits in flight, then stops the thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    await Promise.allSettled(this.inFlight);
    this.worker = null;
    await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        file: this.file,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        pragmas: CONNECTION_PRAGMAS,
        sql: APPEND_SQL,
      },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the commit thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: Reply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.error !== undefined) p.reject(Object.assign(new Error(reply.error), { code: reply.code }));
    else p.resolve(new Map(reply.lastSeq));
  }
}
