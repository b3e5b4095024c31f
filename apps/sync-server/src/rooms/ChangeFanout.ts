import * as Y from 'yjs';
import { encodeUpdate } from '@tandem/crdt-bridge/protocol';
import type { DurabilityTicket } from '../storage/DurabilityTicket.js';
import type { RoomAudience } from './audience.js';
import type { ChangeOrigin } from './origins.js';

/** Where a room's changes go to be stored: one document's side of the write queue. */
export interface RoomJournal {
  /** Queues an update of the document for storage. */
  append(update: Uint8Array): DurabilityTicket;
  /** A ticket for everything of the document queued so far. */
  ticket(): DurabilityTicket;
}

/** A change to a room's document, as its subscribers see it. */
export type ChangeListener = (update: Uint8Array, origin: ChangeOrigin | null) => void;

/**
 * Where every change of a room's Y.Doc goes, whoever made it: queued for storage (the
 * ticket is put on a member's origin, so whoever applied the change acknowledges on that
 * value), relayed to everyone but the member who made it, then told to subscribers. It
 * listens to the Y.Doc's own `update` event, so what is stored and relayed is what the
 * document emitted, never a client's raw bytes. Stored content being applied at load
 * (`source: 'load'`) goes nowhere: it is stored already.
 */
export class ChangeFanout {
  private readonly listeners = new Set<ChangeListener>();

  constructor(
    ydoc: Y.Doc,
    private readonly docId: string,
    private readonly journal: RoomJournal,
    private readonly audience: RoomAudience,
  ) {
    ydoc.on('update', this.onUpdate);
  }

  /** Calls `listener` with every change after it is queued and relayed; returns a function that stops it. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    const change = origin as ChangeOrigin | null;
    if (change?.source === 'load') return;
    const ticket = this.journal.append(update);
    if (change?.source === 'member') change.ticket = ticket;
    this.audience.broadcast(
      ['sync', this.docId, encodeUpdate(update)],
      change?.source === 'member' ? change.member : undefined,
    );
    for (const listener of this.listeners) listener(update, change);
  };
}
