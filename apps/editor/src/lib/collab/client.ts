import { TandemClient } from '@tandem/crdt-bridge';
import { accessToken } from './accessToken.js';

let client: TandemClient | null = null;

/** The tab's one connection to the sync server, shared by every open document. */
export function getClient(): TandemClient {
  client ??= new TandemClient({
    // Read at every (re)connection, so a new share link takes effect without a reload.
    socket: { auth: (send) => send(accessToken() ? { token: accessToken() } : {}) },
  });
  return client;
}
