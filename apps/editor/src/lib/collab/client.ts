import { TandemClient } from '@tandem/crdt-bridge';

let client: TandemClient | null = null;

/** The tab's one connection to the sync server, shared by every open document. */
export function getClient(): TandemClient {
  client ??= new TandemClient();
  return client;
}
