import type { Logger } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import type { RoomAudience } from './audience.js';
import { Member } from './Member.js';
import {
  PresenceRejected,
  decodeAwarenessUpdate,
  encodeAwarenessEntries,
  type AwarenessEntry,
} from './presenceRules.js';
import type { Refusal } from './results.js';

/** Shortest gap between two presence relays from one member (about 30 per second at most). */
export const PRESENCE_RELAY_INTERVAL_MS = 33;

/** What waits to be relayed for one member, and when it last was. */
interface Relay {
  pending: Set<number>;
  last: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** What a room's presence needs from the room. */
export interface PresenceDeps {
  docId: string;
  audience: RoomAudience;
  log: Logger;
  /** Whether `member` is (still) in the room. */
  isMember(member: Member): boolean;
}

/**
 * A room's presence (awareness): who announced which presence client id (only that
 * session may change or remove it), and the relay of changes to the others, throttled
 * per member so a burst of cursor moves becomes at most one message per interval,
 * always carrying the newest state. What is applied and relayed is re-encoded here.
 */
export class RoomPresence {
  private readonly awareness: awarenessProtocol.Awareness;
  /** Which member announced each presence client id. */
  private readonly owners = new Map<number, Member>();
  private readonly relays = new Map<Member, Relay>();
  /** Each present client's state as the JSON it arrived in (or was stamped to), so relaying it costs no stringify. */
  private readonly wire = new Map<number, string>();
  private destroyed = false;

  constructor(
    doc: Y.Doc,
    private readonly deps: PresenceDeps,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  /**
   * Applies a member's presence update. Refuses malformed or oversized states, and any
   * entry for a client id owned by another session (no spoofing or removing someone
   * else's presence). In token mode `stampName` is the name others see, whatever the client says.
   */
  apply(update: Uint8Array, member: Member, stampName?: string): { ok: true } | Refusal {
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwarenessUpdate(update);
    } catch (error) {
      const message = error instanceof PresenceRejected ? error.message : 'Presence update refused.';
      return { ok: false, error: { docId: this.deps.docId, code: ErrorCode.MalformedUpdate, message } };
    }
    for (const { clientId } of entries) {
      const owner = this.owners.get(clientId);
      if (owner && owner !== member && owner.key !== member.key) {
        this.deps.log.warn(
          { doc: this.deps.docId, socket: member.id, clientId },
          'presence for another session refused',
        );
        return {
          ok: false,
          error: {
            docId: this.deps.docId,
            code: ErrorCode.Forbidden,
            message: 'That presence belongs to someone else.',
          },
        };
      }
    }
    if (stampName !== undefined) {
      for (const entry of entries) {
        if (entry.state === null) continue;
        const state = entry.state as { user?: unknown };
        const user = typeof state.user === 'object' && state.user !== null ? state.user : {};
        entry.state = { ...state, user: { ...user, name: stampName } };
        entry.json = JSON.stringify(entry.state);
      }
    }
    for (const entry of entries) {
      const owner = this.owners.get(entry.clientId);
      // The same session reconnected: the id moves to the new connection.
      if (owner && owner !== member) owner.release(entry.clientId);
      this.owners.set(entry.clientId, member);
      member.announce(entry.clientId);
      // A state we dropped (its connection left) comes back as new, whatever its clock.
      if (entry.state !== null && !this.awareness.states.has(entry.clientId))
        this.awareness.meta.delete(entry.clientId);
    }
    this.integrate(entries, member);
    return { ok: true };
  }

  /**
   * What y-protocols' `applyAwarenessUpdate` does with an update, from the entries already
   * decoded and checked (it would encode, decode and parse them again). Emits `update` only:
   * nothing on the server listens to `change`, which needs a deep comparison per entry.
   */
  private integrate(entries: readonly AwarenessEntry[], member: Member): void {
    const { states, meta } = this.awareness;
    const now = Date.now();
    const added: number[] = [];
    const updated: number[] = [];
    const removed: number[] = [];
    for (const { clientId, clock, state, json } of entries) {
      const known = meta.get(clientId);
      const current = known === undefined ? 0 : known.clock;
      if (!(current < clock || (current === clock && state === null && states.has(clientId)))) continue;
      if (state === null) {
        states.delete(clientId);
        this.wire.delete(clientId);
      } else {
        states.set(clientId, state as Record<string, unknown>);
        this.wire.set(clientId, json);
      }
      meta.set(clientId, { clock, lastUpdated: now });
      if (known === undefined && state !== null) added.push(clientId);
      else if (known !== undefined && state === null) removed.push(clientId);
      else if (state !== null) updated.push(clientId);
    }
    if (added.length > 0 || updated.length > 0 || removed.length > 0)
      this.awareness.emit('update', [{ added, updated, removed }, member]);
  }

  /** Removes, at once and for everyone, every presence state `member` announced. */
  removeMember(member: Member): void {
    const relay = this.relays.get(member);
    if (relay?.timer) clearTimeout(relay.timer);
    this.relays.delete(member);
    const owned = [...member.awarenessIds].filter((id) => this.owners.get(id) === member);
    for (const id of owned) this.owners.delete(id);
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, 'disconnect');
  }

  /** The member whose presence carries `clientId`, if any. */
  ownerOf(clientId: number): Member | undefined {
    return this.owners.get(clientId);
  }

  /** The presence state a client id announced (null when none). */
  stateOf(clientId: number): Record<string, unknown> | null {
    return (this.awareness.getStates().get(clientId) as Record<string, unknown> | undefined) ?? null;
  }

  /** Encoded presence of everyone in the room, or null when nobody has presence. */
  encodeAll(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Stops relaying; the presence must not be used afterwards. */
  destroy(): void {
    this.destroyed = true;
    for (const relay of this.relays.values()) if (relay.timer) clearTimeout(relay.timer);
    this.relays.clear();
    this.awareness.destroy();
  }

  private readonly onUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    // Removed by a timeout or a departure: its JSON must not outlive it.
    for (const id of removed) if (!this.awareness.states.has(id)) this.wire.delete(id);
    const member = this.memberOf(origin);
    if (!member) {
      // Removals (disconnects, timeouts) go to everyone at once.
      this.broadcast(changed);
      return;
    }
    let relay = this.relays.get(member);
    if (!relay) {
      relay = { pending: new Set(), last: 0, timer: null };
      this.relays.set(member, relay);
    }
    for (const id of changed) relay.pending.add(id);
    if (relay.timer) return;
    const wait = relay.last + PRESENCE_RELAY_INTERVAL_MS - Date.now();
    if (wait <= 0) this.relay(member, relay);
    else relay.timer = setTimeout(() => this.relay(member, relay), wait);
  };

  /** The member an awareness change came from, while it is in the room. */
  private memberOf(origin: unknown): Member | null {
    return origin instanceof Member && this.deps.isMember(origin) ? origin : null;
  }

  /** Sends a member's latest presence to the others. */
  private relay(member: Member, relay: Relay): void {
    relay.timer = null;
    if (this.destroyed || !this.deps.isMember(member) || relay.pending.size === 0) return;
    const ids = [...relay.pending];
    relay.pending.clear();
    relay.last = Date.now();
    this.broadcast(ids, member);
  }

  private broadcast(ids: number[], except?: Member): void {
    const { states, meta } = this.awareness;
    const entries = ids.map((clientId) => {
      const state = states.get(clientId);
      const json = state === undefined ? 'null' : (this.wire.get(clientId) ?? JSON.stringify(state));
      return { clientId, clock: meta.get(clientId)?.clock ?? 0, json };
    });
    this.deps.audience.broadcast(['awareness', this.deps.docId, encodeAwarenessEntries(entries)], except);
  }
}
