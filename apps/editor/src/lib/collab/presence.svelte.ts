import type { Awareness } from 'y-protocols/awareness';
import { readPresence, type PresenceState, type PresenceUser } from '@tandem/crdt-bridge';
import { groupPeers, type Peer, type Person } from './peerGroups.js';

/** How long after the last keystroke someone still counts as typing. */
export const TYPING_IDLE_MS = 2_000;

export type { Peer, Person } from './peerGroups.js';

/** The presence fields this user writes (y-prosemirror writes `cursor`). */
type OwnField = Exclude<keyof PresenceState, 'cursor'>;

/** "Ana is typing…", "Ana and Ben are typing…", "3 people are typing…", or null. */
export function typingSentence(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/**
 * Who is in a document, reactive, read from y-protocols awareness; and this
 * user's own presence (identity, typing flag) written to it.
 */
export class Presence {
  peers = $state<Peer[]>([]);
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshQueued = false;
  private destroyed = false;

  constructor(
    private readonly awareness: Awareness,
    identity: PresenceUser,
    /** This person's id, the same in their other tabs. */
    private readonly userId: string,
  ) {
    this.setField('user', { ...identity, id: userId });
    this.setField('typing', false);
    this.awareness.on('change', this.queueRefresh);
    this.refresh();
  }

  /** Everyone but this person (their other tabs are not someone else). */
  get others(): Peer[] {
    return this.peers.filter((p) => !p.isSelf && p.userId !== this.userId);
  }

  /** One entry a person, however many tabs they have open: what the presence bar shows. */
  readonly people: Person[] = $derived(groupPeers(this.peers));

  /** The sentence for the typing indicator, or null when nobody else types. */
  get typingText(): string | null {
    return typingSentence(this.others.filter((p) => p.typing).map((p) => p.name));
  }

  /** Publishes a new name or colour to everyone in the document. */
  setIdentity(identity: PresenceUser): void {
    this.setField('user', { ...identity, id: this.userId });
  }

  /**
   * Call on each local edit. Only the first keystroke of a burst and the pause
   * after it touch the wire; keystrokes in between only reset a timer.
   */
  noteTyping(): void {
    if (this.typingTimer === null) this.setField('typing', true);
    else clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      this.setField('typing', false);
    }, TYPING_IDLE_MS);
  }

  /** Stops listening; the awareness itself belongs to the document. */
  destroy(): void {
    if (this.typingTimer !== null) clearTimeout(this.typingTimer);
    this.destroyed = true;
    this.awareness.off('change', this.queueRefresh);
  }

  /** Writes one field of this user's presence, typed by the shared presence state. */
  private setField<K extends OwnField>(field: K, value: PresenceState[K]): void {
    this.awareness.setLocalStateField(field, value);
  }

  /**
   * Awareness changes can fire in the middle of Svelte's own work: removing a focused editor
   * (leaving the page with Back) makes y-prosemirror clear the caret from its "focusout"
   * listener while Svelte tears the page down, where writing state is forbidden. The mirror
   * is therefore updated a microtask later, outside any update, one refresh per burst.
   */
  private readonly queueRefresh = (): void => {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      if (!this.destroyed) this.refresh();
    });
  };

  private refresh(): void {
    const self = this.awareness.clientID;
    const peers: Peer[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      const presence = readPresence(state);
      if (!presence) continue;
      peers.push({
        clientId,
        userId: presence.user.id ?? null,
        name: presence.user.name,
        color: presence.user.color,
        isSelf: clientId === self,
        typing: presence.typing,
        hasCursor: presence.cursor !== null,
      });
    }
    // Yourself first, then by name so the bar does not jump around.
    peers.sort(
      (a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.clientId - b.clientId,
    );
    this.peers = peers;
  }
}
