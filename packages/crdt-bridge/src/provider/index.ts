export { TandemClient, type OpenOptions, type TandemClientOptions } from './TandemClient.js';
export { DocSession, type DocSessionEvents } from './DocSession.js';
export { sameStatus, type ConnectionStatus, type SaveStatus, type SessionStatus } from './status.js';
export type { TandemSocket } from './socket.js';
export { RemoteBatch, mergeAwarenessUpdates, type RemoteApply, type RemoteScheduler } from './RemoteBatch.js';
