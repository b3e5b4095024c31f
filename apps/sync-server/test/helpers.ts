import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { TandemClient, WIRE_PARSER, type DocSession, type TandemClientOptions } from '@tandem/crdt-bridge';
import { loadConfig, type Config } from '../src/config.js';
import { decodeRow } from '../src/storage/rowCodec.js';
import { createTandemServer, type TandemServer } from '../src/server.js';
import type { DocumentStore } from '../src/storage/DocumentStore.js';
import { SqliteStore } from '../src/storage/SqliteStore.js';
import { isRefusal, type HistoryRefusal } from '../src/history/outcomes.js';
import { PgStore } from '../src/storage/postgres/PgStore.js';
import { InstrumentedStore } from './stores.js';
import { databaseFor, storedInPostgres, storingInPostgres } from './pg/testDatabases.js';

/** A real server on a free port with a temporary SQLite file, plus helpers to make clients. */
export interface TestServer {
  server: TandemServer;
  url: string;
  port: number;
  dataDir: string;
  config: Config;
  /** A client connected to this server; closed by `stop()`. */
  client(options?: TandemClientOptions): TandemClient;
  /**
   * A bare Socket.IO connection with no Tandem logic and loose typing, for tests that
   * speak the protocol by hand or abuse it; it does not reconnect. Closed by `stop()`.
   */
  rawSocket(url?: string): Socket;
  /** Closes every client and the server (keeps the data dir unless `wipe`). */
  stop(options?: { wipe?: boolean }): Promise<void>;
}

/** Starts a real Tandem server (Socket.IO + SQLite) on port 0. */
export async function startTestServer(
  overrides: Partial<Config> = {},
  parts: { store?: DocumentStore; dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = parts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-test-'));
  const config: Config = {
    ...loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STATIC_DIR: '' }),
    host: '127.0.0.1',
    ...overrides,
  };
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const store = parts.store ?? (storingInPostgres() ? await postgresStoreFor(dataDir) : undefined);
  const server = createTandemServer(config, { log, ...(store ? { store } : {}) });
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  const clients: TandemClient[] = [];
  const rawSockets: Socket[] = [];
  return {
    server,
    url,
    port,
    dataDir,
    config,
    client(options = {}) {
      const client = new TandemClient({
        url,
        ...options,
        socket: { reconnectionDelay: 50, reconnectionDelayMax: 200, ...options.socket },
      });
      clients.push(client);
      return client;
    },
    rawSocket(socketUrl = url) {
      const socket = io(socketUrl, {
        transports: ['websocket'],
        parser: WIRE_PARSER,
        reconnection: false,
        forceNew: true,
      });
      rawSockets.push(socket);
      return socket;
    },
    async stop({ wipe = false } = {}) {
      for (const client of clients) client.destroy();
      for (const socket of rawSockets) socket.disconnect();
      await server.close();
      if (wipe) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * In the `postgres` test project: a PostgreSQL store on a database of `dataDir`'s own, so
 * a server restarted on the same directory finds what it stored, as with SQLite.
 */
export async function postgresStoreFor(dataDir: string): Promise<PgStore> {
  return PgStore.open(await databaseFor(dataDir), { nodeId: 'test-node', poolSize: 4 });
}

/** Resolves when `predicate` holds, polling; rejects with `message` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, message: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${message}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Text of the shared Y.Text named "t", the simple type most server tests edit. */
export function text(session: DocSession | Y.Doc): string {
  const doc = session instanceof Y.Doc ? session : session.doc;
  return doc.getText('t').toString();
}

/** The SqliteStore under a server's store (unwrapping an {@link InstrumentedStore}). */
export function sqliteOf(server: TandemServer): SqliteStore {
  const store = server.store instanceof InstrumentedStore ? server.store.inner : server.store;
  if (!(store instanceof SqliteStore)) throw new TypeError('this server does not store in SQLite');
  return store;
}

/** Rows in the `updates` log, for one document or all of them. */
export function updateRows(store: SqliteStore, docId?: string): number {
  const row =
    docId === undefined
      ? store.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM updates').get()
      : store.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM updates WHERE doc_id = ?').get(docId);
  return row?.n ?? 0;
}

/**
 * A document as SQLite holds it right now, read over a separate connection (so it sees
 * only committed transactions, as a restarted server would). Read-only unless the file
 * is a copy whose write-ahead log must first be recovered.
 */
export function readCommitted(dataDir: string, docId: string, { readonly = true } = {}): Y.Doc {
  const db = new Database(path.join(dataDir, 'tandem.db'), { readonly, fileMustExist: true });
  try {
    const rows = db
      .prepare<[string], { data: Buffer; codec: number }>(
        'SELECT data, codec FROM updates WHERE doc_id = ? ORDER BY seq',
      )
      .all(docId);
    const doc = new Y.Doc();
    Y.transact(doc, () => {
      for (const { data, codec } of rows) Y.applyUpdate(doc, decodeRow(new Uint8Array(data), codec));
    });
    return doc;
  } finally {
    db.close();
  }
}

/**
 * A document as storage holds it right now, over a connection of its own (so only what
 * is committed): {@link readCommitted} for SQLite, a fresh connection in the `postgres` project.
 */
export async function committedDoc(dataDir: string, docId: string): Promise<Y.Doc> {
  if (!storingInPostgres()) return readCommitted(dataDir, docId);
  return (await storedInPostgres(await databaseFor(dataDir), docId)).doc;
}

/** How many rows a document's update log has in storage now (SQLite or PostgreSQL). */
export async function logRows(ts: TestServer, docId: string): Promise<number> {
  return (await ts.server.store.load(docId))?.updates.length ?? 0;
}

/** Resolves with the first argument of the next `event` a raw socket receives; rejects after `timeoutMs`. */
export function nextEvent<T = unknown>(socket: Socket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`timed out waiting for "${event}"`));
    }, timeoutMs);
    const handler = (value: T): void => {
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(value);
    };
    socket.on(event, handler);
  });
}

/** A fresh temporary data directory (what `startTestServer` makes when given none). */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-test-'));
}

/** What history answered, when it did what was asked; a refusal fails the test with its words. */
export function accepted<T>(outcome: T | HistoryRefusal): T {
  if (isRefusal(outcome)) throw new Error(`history refused (${outcome.refused}): ${outcome.message}`);
  return outcome;
}
