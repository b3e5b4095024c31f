import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import type { LogThrottle } from '../logThrottle.js';
import type { TandemIo, TandemServerSocket } from '../sockets/types.js';

/**
 * A Socket.IO middleware that refuses connections beyond `max` open at once. The refusal is
 * a handshake error with code SERVER_BUSY and a sentence the client shows (a refusal in
 * `allowRequest` reaches a browser only as a bare "websocket error"); the connection is
 * then closed rather than left to the client.
 */
export function refuseBeyondConnectionLimit(
  io: TandemIo,
  max: number,
  refusals: LogThrottle,
): (socket: TandemServerSocket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    // The engine already counts this connection.
    if (io.engine.clientsCount <= max) return next();
    refusals.warn(
      'connections',
      { connections: io.engine.clientsCount, max },
      'socket refused: connection limit reached',
    );
    const refusal = new Error(
      'The server has as many connections as it can take right now. Tandem will try again shortly.',
    ) as Error & { data: { code: string } };
    refusal.data = { code: ErrorCode.ServerBusy };
    next(refusal);
    // Socket.IO sends the refusal on the next ticks; close once it has gone.
    setImmediate(() => socket.conn.close());
  };
}
