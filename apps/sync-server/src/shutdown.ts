import type { TandemServer } from './server.js';

/** How a shutdown ended. */
export type ShutdownOutcome =
  | { clean: true }
  /** Storage could not take everything in time: these documents hold changes that are not stored. */
  | { clean: false; unstored: string[] };

/**
 * Stops the server, storing what is pending, but waits at most `timeoutMs`: when storage
 * fails (a full disk), what it holds cannot be stored, and a SIGTERM must still end the
 * process. Nothing acknowledged is lost either way: an acknowledgement means stored, and
 * the changes not yet stored are still held by the clients that made them, which send
 * them again when they reconnect.
 */
export async function shutDown(server: TandemServer, timeoutMs: number): Promise<ShutdownOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([server.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  return outcome === 'closed' ? { clean: true } : { clean: false, unstored: server.writes.pendingDocuments() };
}
