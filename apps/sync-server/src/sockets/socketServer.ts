import type http from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { WIRE_PARSER } from '@tandem/crdt-bridge/protocol';
import { forwardingNode } from '../auth/clusterProof.js';
import type { AccessTokens } from '../auth/AccessTokens.js';
import { tokenHandshake } from '../auth/socketAuth.js';
import { closeRevokedLinks } from './revokedLinks.js';
import type { Config } from '../config.js';
import { socketRefusal, type SiteRules } from '../http/sameOrigin.js';
import { refuseBeyondConnectionLimit } from '../limits/connections.js';
import type { LogThrottle } from '../logThrottle.js';
import type { EndOfTurn } from './endOfTurn.js';
import { batchConnectionWrites, PreFramedAdapter } from './outgoingBatching.js';
import { CARRIER_HEADER, CLIENT_HEADER } from './forwarding.js';
import type { TandemIo } from './types.js';
import { releaseUpgradeRequests } from './upgradeRequests.js';

/** What the Socket.IO server is built from. */
export interface SocketServerParts {
  config: Config;
  log: Logger;
  /** The names and origins this server answers to. */
  site: SiteRules;
  refusals: LogThrottle;
  /** Where outgoing writes are gathered until the end of the event-loop turn. */
  turn: EndOfTurn;
  /** Token mode's checks; null in open mode. */
  tokens: AccessTokens | null;
}

/**
 * The typed Socket.IO server on `httpServer`: MessagePack frames, broadcasts framed once,
 * one write per connection per turn, and the handshake's checks in order — Host and
 * Origin, the connection cap, then (token mode) the token.
 */
export function createSocketServer(httpServer: http.Server, parts: SocketServerParts): TandemIo {
  const { config, log, site, refusals, turn, tokens } = parts;
  const clusterSecret = config.cluster?.secret ?? null;
  const io: TandemIo = new Server(httpServer, {
    adapter: PreFramedAdapter,
    maxHttpBufferSize: config.maxMessageBytes,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    serveClient: false,
    parser: WIRE_PARSER,
    // Every (re)connection goes through the full handshake and re-joins explicitly.
    connectionStateRecovery: undefined,
    allowRequest: (req, callback) => {
      // Another node forwarding its client's traffic: proven by CLUSTER_SECRET, not by the site's names.
      if (forwardingNode(req, clusterSecret) !== null) return callback(null, true);
      const refusal = socketRefusal(req, site);
      if (refusal)
        refusals.warn(
          `socket:${refusal.code}`,
          { host: req.headers.host, origin: req.headers.origin },
          `socket refused: ${refusal.message}`,
        );
      callback(refusal?.message ?? null, refusal === null);
    },
  });
  // Before anything else about a new connection, so a full server spends nothing more on it.
  io.use(refuseBeyondConnectionLimit(io, config.maxConnections, refusals));
  if (clusterSecret !== null)
    io.use((socket, next) => {
      const node = forwardingNode(socket.request, clusterSecret);
      if (node !== null) {
        const { headers } = socket.request;
        socket.data.forwardedBy = node;
        socket.data.carrier = headers[CARRIER_HEADER] === '1';
        const client = headers[CLIENT_HEADER];
        if (typeof client === 'string' && client.length <= 64) socket.data.forwardedFor = client;
      }
      next();
    });
  if (tokens) {
    const stop = closeRevokedLinks(io, tokens, log);
    httpServer.once('close', stop);
    const checkToken = tokenHandshake(tokens, log);
    // A carrier acts for no person: its node's proof is all it has, and all it needs.
    io.use((socket, next) => (socket.data.carrier ? next() : checkToken(socket, next)));
  }
  io.engine.on('connection', (conn: unknown) => batchConnectionWrites(conn, turn));
  // Registered before the server's own 'connection' listener: handlers see no request either.
  releaseUpgradeRequests(io);
  return io;
}
