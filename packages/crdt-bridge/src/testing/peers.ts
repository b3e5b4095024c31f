import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import type { DocSession } from '../provider/DocSession.js';
import type { TandemClient } from '../provider/TandemClient.js';
import { TEST_TEXT } from './edits.js';

/** One simulated user: a client connection with one document open on it. */
export interface Peer {
  readonly name: string;
  readonly client: TandemClient;
  readonly session: DocSession;
  readonly doc: Y.Doc;
}

/** Opens `docId` on `count` fresh clients made by `makeClient` (which should also arrange their cleanup). */
export function createPeers(count: number, docId: string, makeClient: (index: number) => TandemClient): Peer[] {
  return Array.from({ length: count }, (_, index) => {
    const client = makeClient(index);
    const session = client.open(docId);
    return { name: `peer${index}`, client, session, doc: session.doc };
  });
}

/** Whether the peer's socket is connected (or connecting) as far as the test is concerned. */
export function isOnline(peer: Peer): boolean {
  return peer.client.socket.active;
}

/** Drops the peer's connection; it stays down until {@link goOnline}. */
export function goOffline(peer: Peer): void {
  peer.client.socket.disconnect();
}

/** Reconnects a peer that {@link goOffline} took down. */
export function goOnline(peer: Peer): void {
  if (!peer.client.socket.active) peer.client.socket.connect();
}

/** Options for the waiting helpers. */
export interface WaitOptions {
  /** Give up after this long (generous by default: CI machines are noisy). */
  timeoutMs?: number;
  /** Poll interval. */
  intervalMs?: number;
}

/**
 * Resolves once `predicate` holds, polling; rejects after the timeout with `message`
 * and, when given, `explain()`'s account of the state at that moment.
 */
export async function waitUntil(
  predicate: () => boolean,
  message: string,
  options: WaitOptions & { explain?: () => string } = {},
): Promise<void> {
  const { timeoutMs = 15_000, intervalMs = 5 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      const detail = options.explain ? `\n${options.explain()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${message}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A canonical fingerprint of a document's CRDT state (state vector and delete set):
 * two documents with equal fingerprints hold exactly the same changes.
 */
export function stateFingerprint(doc: Y.Doc): string {
  return Buffer.from(Y.encodeSnapshot(Y.snapshot(doc))).toString('base64');
}

/** The visible content the randomized tests edit, for readable failure messages. */
export function visibleContent(doc: Y.Doc): string {
  return `t=${JSON.stringify(doc.getText(TEST_TEXT).toString())} pm=${doc.getXmlFragment(CONTENT_FRAGMENT).toString()}`;
}

/** Whether every document holds the same changes and shows the same content. */
export function sameState(docs: readonly Y.Doc[]): boolean {
  const [first, ...rest] = docs;
  if (!first) return true;
  const state = stateFingerprint(first);
  const content = visibleContent(first);
  return rest.every((doc) => stateFingerprint(doc) === state && visibleContent(doc) === content);
}

/** One line per peer: its status and content, to explain a failed wait. */
export function describePeers(peers: readonly Peer[], extra: readonly Y.Doc[] = []): string {
  const lines = peers.map((p) => {
    const s = p.session.status;
    const error = s.error ? ` error=${s.error.code}` : '';
    return `${p.name}: ${s.connection}/${s.save} unsaved=${s.unsavedChanges}${error} ${visibleContent(p.doc).slice(0, 300)}`;
  });
  extra.forEach((doc, i) => lines.push(`extra${i}: ${visibleContent(doc).slice(0, 300)}`));
  return lines.join('\n');
}

/** Whether every peer is synced, has nothing unsaved, and holds the same state (as do `extra` docs). */
export function isConverged(peers: readonly Peer[], extra: readonly Y.Doc[] = []): boolean {
  return (
    peers.every((p) => p.session.status.connection === 'synced' && p.session.status.save === 'saved') &&
    sameState([...peers.map((p) => p.doc), ...extra])
  );
}

/**
 * Resolves once every peer is synced and saved and all peers (and `extra` docs, e.g.
 * the server's copy) hold the same state; peers must be online for this to happen.
 */
export function waitForConvergence(
  peers: readonly Peer[],
  options: WaitOptions & { extra?: () => readonly Y.Doc[] } = {},
): Promise<void> {
  const extra = options.extra ?? (() => []);
  return waitUntil(() => isConverged(peers, extra()), 'every peer is synced, saved and equal', {
    ...options,
    intervalMs: options.intervalMs ?? 10,
    explain: () => describePeers(peers, extra()),
  });
}
