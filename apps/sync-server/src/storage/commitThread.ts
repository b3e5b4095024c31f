import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { APPEND_SQL, CONNECTION_PRAGMAS, SEARCH_WRITE_SQL } from './appendStatements.js';
import type { AppendEntry } from './DocumentStore.js';

/**
 * The thread's code, as a string so it runs the same from TypeScript sources (tests)
 * and from `dist/`. It opens its own connection to the database file (which the main
 * connection has already created and migrated) and does two things, one job at a time:
 * append a batch of updates in one transaction, `synchronous = FULL`, reporting the last
 * row per document; and write a document's search text. Its pragmas and statements come
 * in `workerData`, from the module the main connection's own writes use too
 * (appendStatements.ts).
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const insertUpdate = db.prepare(workerData.sql.insertUpdate);
const touchDoc = db.prepare(workerData.sql.touchDoc);
const search = {};
for (const [name, sql] of Object.entries(workerData.searchSql)) search[name] = db.prepare(sql);
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
const indexText = db.transaction(({ docId, title, body, onlyIfMissing }) => {
  const claimed = search.claim.run(docId).changes > 0;
  if (onlyIfMissing && !claimed) return;
  const row = search.rowOf.get(docId);
  if (!row) return;
  search.drop.run(row.id);
  search.put.run(row.id, title, body);
});
parentPort.on('message', (job) => {
  try {
    if (job.kind === 'indexText') {
      indexText(job.text);
      parentPort.postMessage({ id: job.id, lastSeq: [] });
    } else {
      parentPort.postMessage({ id: job.id, lastSeq: append(job.entries, job.now) });
    }
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String((error && error.message) || error), code: error && error.code });
  }
});
`;

/** A document's search text as the thread writes it (see `SqliteSearchIndex.write`). */
export interface TextToIndex {
  docId: string;
  title: string;
  body: string;
  onlyIfMissing: boolean;
}

/** What the thread is asked to do. */
type Job = { kind: 'append'; entries: readonly AppendEntry[]; now: number } | { kind: 'indexText'; text: TextToIndex };

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
  /** The jobs handed to the thread that have not settled, for `close` to wait on. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string) {}

  /** Appends `entries` in one durable transaction; resolves with the last row id per document. */
  append(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>> {
    return this.run({ kind: 'append', entries, now });
  }

  /**
   * Writes a document's search text in one transaction, after the jobs queued before it.
   * Appends queued behind it wait for it, as they would for the SQLite write lock were it
   * written on the main connection; the event loop does not.
   */
  async indexText(text: TextToIndex): Promise<void> {
    await this.run({ kind: 'indexText', text });
  }

  private run(job: Job): Promise<Map<string, number>> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const done = new Promise<Map<string, number>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while a job is in flight (an idle thread must not).
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, ...job });
    });
    this.inFlight.add(done);
    const forget = (): void => void this.inFlight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** Waits for the jobs in flight, then stops the thread. */
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
        searchSql: SEARCH_WRITE_SQL,
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
