import type { Logger } from 'pino';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import type { TandemServerSocket } from '../sockets/types.js';
import type { AccessTokens } from './AccessTokens.js';
import { AuthError } from './tokens.js';

/**
 * Token mode's handshake check (a Socket.IO middleware): a connection must present a
 * token signed with the secret (and, when it names a share link, one still working) in its
 * handshake's `auth: { token }`. It runs on every
 * connection, reconnects included (there is no connection-state recovery to skip it),
 * and closes the connection when the token expires. A refusal reaches the client as
 * `connect_error` with code UNAUTHORIZED and the reason in words.
 */
export function tokenHandshake(
  tokens: AccessTokens,
  log: Logger,
): (socket: TandemServerSocket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    tokens
      .verify(token)
      .then(({ user, expiresAt, linkId }) => {
        socket.data.user = user;
        socket.data.authenticated = true;
        if (linkId !== undefined) socket.data.linkId = linkId;
        const left = expiresAt - Date.now();
        // The client must come back with a new token.
        if (left < 2 ** 31 - 1) setTimeout(() => socket.disconnect(true), Math.max(0, left)).unref();
        next();
      })
      .catch((err: unknown) => {
        const refusal = new Error(err instanceof AuthError ? err.message : 'Sign-in failed.') as Error & {
          data: { code: string };
        };
        refusal.data = { code: ErrorCode.Unauthorized };
        log.info({ reason: refusal.message }, 'socket refused: no valid token');
        next(refusal);
      });
  };
}
