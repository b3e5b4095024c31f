// Everything, for the editor. The server imports the subpaths it needs instead
// (`@tandem/crdt-bridge/protocol`, `/schema`, `/history`, `/presence`, `/api`), so it
// never loads the client and its socket.io-client.
export * from './protocol/index.js';
export * from './schema/index.js';
export * from './presence/index.js';
export * from './api/index.js';
export * from './provider/index.js';
export * from './history/index.js';
export * from './tables/index.js';
export * from './comments/index.js';
