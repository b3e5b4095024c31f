import type { Logger } from 'pino';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import type { AccessTokens } from '../auth/AccessTokens.js';
import type { TandemIo, TandemServerSocket } from './types.js';

/** How often connections' links are checked against the store (a revocation on another node, an expiry). */
export const REVOCATION_CHECK_MS = 1_000;

/** Tells a connection its link was withdrawn, then closes it: it has no access left to use. */
function withdraw(socket: TandemServerSocket): void {
  socket.emit('doc-error', {
    code: ErrorCode.AccessRevoked,
    message: 'Your access link was withdrawn, so this document is closed. Ask its owner for a new link.',
  });
  // After the error, in order on the same connection; the client does not reconnect from a server's close.
  socket.disconnect(true);
}

/**
 * Closes connections whose share link stops working: at once for a link this node revokes,
 * and within {@link REVOCATION_CHECK_MS} for one revoked elsewhere (another node, the CLI)
 * or expired. Returns a function that stops watching.
 */
export function closeRevokedLinks(io: TandemIo, tokens: AccessTokens, log: Logger): () => void {
  const dropAll = (linkIds: ReadonlySet<string>): void => {
    for (const socket of io.of('/').sockets.values()) {
      const { linkId } = socket.data;
      if (linkId === undefined || !linkIds.has(linkId)) continue;
      log.info({ socket: socket.id, link: linkId }, 'closing a connection: its link no longer works');
      withdraw(socket);
    }
  };
  let checking = false;
  const check = async (): Promise<void> => {
    const inUse = new Set<string>();
    for (const socket of io.of('/').sockets.values()) if (socket.data.linkId) inUse.add(socket.data.linkId);
    if (inUse.size === 0) return;
    dropAll(new Set(await tokens.inactive([...inUse])));
  };
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check()
      .catch((err: unknown) => log.warn({ err }, 'could not check share links; will try again'))
      .finally(() => (checking = false));
  }, REVOCATION_CHECK_MS);
  timer.unref();
  const stopListening = tokens.onRevoked((linkId) => dropAll(new Set([linkId])));
  return () => {
    clearInterval(timer);
    stopListening();
  };
}
