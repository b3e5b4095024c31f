import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/events.js';

/** A Socket.IO client socket typed with Tandem's event maps. */
export type TandemSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
