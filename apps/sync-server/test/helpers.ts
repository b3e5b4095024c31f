import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import * as Y from 'yjs';
import { TandemClient, type DocSession, type TandemClientOptions } from '@tandem/crdt-bridge';
import { loadConfig, type Config } from '../src/config.js';
import { createTandemServer, type TandemServer } from '../src/server.js';
import type { DocumentStore } from '../src/storage/DocumentStore.js';

/** A real server on a free port with a temporary SQLite file, plus helpers to make clients. */
export interface TestServer {
  server: TandemServer;
  url: string;
  port: number;
  dataDir: string;
  config: Config;
  /** A client connected to this server; closed by `stop()`. */
  client(options?: TandemClientOptions): TandemClient;
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
  const server = createTandemServer(config, { log, ...(parts.store ? { store: parts.store } : {}) });
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  const clients: TandemClient[] = [];
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
    async stop({ wipe = false } = {}) {
      for (const client of clients) client.destroy();
      await server.close();
      if (wipe) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
