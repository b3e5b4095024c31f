import type {
  AppendEntry,
  DocumentMeta,
  DocumentStore,
  ListQuery,
  LoadPurpose,
  NewDocument,
  StateSummary,
  StoredDocument,
} from '../src/storage/DocumentStore.js';
import { SqliteStore } from '../src/storage/SqliteStore.js';
import { storingInPostgres } from './pg/testDatabases.js';

/** A promise the test opens when it chooses: lets a test hold a store call in flight. */
export interface Gate {
  readonly promise: Promise<void>;
  readonly isOpen: boolean;
  open(): void;
}

/** A closed {@link Gate}. */
export function createGate(): Gate {
  let open!: () => void;
  let isOpen = false;
  const promise = new Promise<void>((resolve) => {
    open = () => {
      isOpen = true;
      resolve();
    };
  });
  return {
    promise,
    get isOpen() {
      return isOpen;
    },
    open,
  };
}

/** The store methods a test can count, hold, or make fail. */
export type StoreMethod = 'get' | 'load' | 'ensure' | 'append' | 'compact' | 'setTitle';

/**
 * The real SqliteStore with instruments around it: counts calls, holds calls behind
 * gates, and can make appends fail. A fault injector around real storage, not a mock:
 * every call that goes through reaches SQLite.
 */
export class InstrumentedStore<S extends DocumentStore = SqliteStore> implements DocumentStore {
  readonly calls: Record<StoreMethod, number> = { get: 0, load: 0, ensure: 0, append: 0, compact: 0, setTitle: 0 };
  /** Entries per append call, in call order (including failed attempts). */
  readonly appendSizes: number[] = [];
  /** Appends that failed because of {@link failAppends}. */
  failedAppends = 0;
  /** While set, every append rejects with this error before touching SQLite. */
  failAppends: Error | null = null;
  /** Appends holding an update of one of these documents reject (as a bad row would fail its transaction). */
  readonly failAppendsOf = new Map<string, Error>();
  /** While set, every load rejects with this error before touching SQLite. */
  failLoads: Error | null = null;
  /** While set, every compaction rejects with this error before touching SQLite. */
  failCompacts: Error | null = null;
  /** While a method has a gate, its calls wait for the gate to open before running. */
  readonly gates: Partial<Record<StoreMethod, Gate>> = {};
  /** Called as each call starts (before any gate), e.g. to notice that it happened. */
  onCall: ((method: StoreMethod) => void) | null = null;

  constructor(readonly inner: S) {}

  /**
   * The store a test server on `dataDir` would open (SQLite in it, or in the `postgres`
   * project a PostgreSQL database of its own), instrumented.
   */
  static async forTest(dataDir: string): Promise<InstrumentedStore<DocumentStore>> {
    if (!storingInPostgres()) return InstrumentedStore.inDir(dataDir);
    const { postgresStoreFor } = await import('./helpers.js');
    return new InstrumentedStore<DocumentStore>(await postgresStoreFor(dataDir));
  }

  /** A store on `dataDir/tandem.db`, where the server would put it. */
  static inDir(dataDir: string): InstrumentedStore<SqliteStore> {
    return new InstrumentedStore(new SqliteStore(`${dataDir}/tandem.db`));
  }

  async load(docId: string, purpose?: LoadPurpose): Promise<StoredDocument | null> {
    await this.enter('load');
    if (this.failLoads) throw this.failLoads;
    return this.inner.load(docId, purpose);
  }

  async ensure(docId: string, now: number): Promise<DocumentMeta> {
    await this.enter('ensure');
    return this.inner.ensure(docId, now);
  }

  create(docId: string, content: NewDocument, now: number): Promise<DocumentMeta> {
    return this.inner.create(docId, content, now);
  }

  async append(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>> {
    this.appendSizes.push(entries.length);
    await this.enter('append');
    const failure = this.failAppends ?? entries.map((e) => this.failAppendsOf.get(e.docId)).find((e) => e);
    if (failure) {
      this.failedAppends++;
      throw failure;
    }
    return this.inner.append(entries, now);
  }

  async compact(docId: string, state: Uint8Array, upToSeq: number, summary?: StateSummary): Promise<number> {
    await this.enter('compact');
    if (this.failCompacts) throw this.failCompacts;
    return this.inner.compact(docId, state, upToSeq, summary);
  }

  async setTitle(docId: string, title: string): Promise<void> {
    await this.enter('setTitle');
    return this.inner.setTitle(docId, title);
  }

  /** The real store's version history, uninstrumented. */
  get versions(): DocumentStore['versions'] {
    return this.inner.versions;
  }

  /** The real store's Trash, uninstrumented. */
  get trash(): DocumentStore['trash'] {
    return this.inner.trash;
  }

  /** The real store's share links, uninstrumented. */
  get links(): DocumentStore['links'] {
    return this.inner.links;
  }

  /** The real store's search index, uninstrumented. */
  get search(): DocumentStore['search'] {
    return this.inner.search;
  }

  async get(docId: string): Promise<DocumentMeta | null> {
    await this.enter('get');
    return this.inner.get(docId);
  }

  deletedAt(docId: string): Promise<number | null> {
    return this.inner.deletedAt(docId);
  }

  listPage(query: ListQuery): Promise<DocumentMeta[]> {
    return this.inner.listPage(query);
  }

  delete(docId: string): Promise<boolean> {
    return this.inner.delete(docId);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async enter(method: StoreMethod): Promise<void> {
    this.calls[method]++;
    this.onCall?.(method);
    const gate = this.gates[method];
    if (gate) await gate.promise;
  }
}
