import type { Member } from '../rooms/Member.js';
import type { Room } from '../rooms/Room.js';
import type { ForwardLink } from './forwarding.js';

/** Most messages one document may queue while its join is loading. */
export const MAX_QUEUED_WHILE_JOINING = 64;

/**
 * One connection's membership of one document: *joining* while the document loads (the
 * client may send its sync step 1 right behind its join; such messages wait here and run
 * once the join settles), then *joined* here, or *forwarded* to the node that runs it.
 */
export type Membership =
  | { state: 'joining'; queue: (() => void)[] }
  | { state: 'joined'; member: Member; room: Room }
  | { state: 'forwarded'; link: ForwardLink };

/** A connection's memberships, by document id. */
export class Memberships {
  private readonly byDoc = new Map<string, Membership>();

  /** Documents joined or being joined. */
  get size(): number {
    return this.byDoc.size;
  }

  /** Whether any document is joined, here or through another node (not only being joined). */
  get anyJoined(): boolean {
    for (const membership of this.byDoc.values()) if (membership.state !== 'joining') return true;
    return false;
  }

  /** The membership of `docId`, if any. */
  get(docId: string): Membership | undefined {
    return this.byDoc.get(docId);
  }

  /** Starts joining `docId`. */
  startJoining(docId: string): void {
    this.byDoc.set(docId, { state: 'joining', queue: [] });
  }

  /**
   * Holds `run` until the join of `docId` settles: 'deferred', 'full' past the queue's
   * limit, or 'not-joining' when the document is not being joined (run it now).
   */
  defer(docId: string, run: () => void): 'deferred' | 'full' | 'not-joining' {
    const membership = this.byDoc.get(docId);
    if (membership?.state !== 'joining') return 'not-joining';
    if (membership.queue.length >= MAX_QUEUED_WHILE_JOINING) return 'full';
    membership.queue.push(run);
    return 'deferred';
  }

  /** The join of `docId` succeeded; returns what waited for it, to run after its ack. */
  joined(docId: string, member: Member, room: Room): (() => void)[] {
    const waiting = this.waiting(docId);
    this.byDoc.set(docId, { state: 'joined', member, room });
    return waiting;
  }

  /** The join of `docId` goes to the node that runs it, over `link`; returns what waited for it, to forward after the join. */
  forwarded(docId: string, link: ForwardLink): (() => void)[] {
    const waiting = this.waiting(docId);
    this.byDoc.set(docId, { state: 'forwarded', link });
    return waiting;
  }

  /** The link `docId` is forwarded over, if it is. */
  linkOf(docId: unknown): ForwardLink | undefined {
    const membership = typeof docId === 'string' ? this.byDoc.get(docId) : undefined;
    return membership?.state === 'forwarded' ? membership.link : undefined;
  }

  /** Whether any document still goes over `link`. */
  uses(link: ForwardLink): boolean {
    for (const membership of this.byDoc.values())
      if (membership.state === 'forwarded' && membership.link === link) return true;
    return false;
  }

  /** The join of `docId` failed or was abandoned; returns what waited for it (to run, and be refused). */
  abandon(docId: string): (() => void)[] {
    const waiting = this.waiting(docId);
    this.byDoc.delete(docId);
    return waiting;
  }

  /** Forgets `docId`; returns the membership it had. */
  remove(docId: string): Membership | undefined {
    const membership = this.byDoc.get(docId);
    this.byDoc.delete(docId);
    return membership;
  }

  /** Every joined membership, with its document id. */
  joinedEntries(): [string, Membership & { state: 'joined' }][] {
    return [...this.byDoc].filter((entry): entry is [string, Membership & { state: 'joined' }] => {
      return entry[1].state === 'joined';
    });
  }

  /** Documents forwarded to the nodes that run them. */
  forwardedIds(): string[] {
    return [...this.byDoc].filter(([, membership]) => membership.state === 'forwarded').map(([docId]) => docId);
  }

  /** Forgets every membership. */
  clear(): void {
    this.byDoc.clear();
  }

  private waiting(docId: string): (() => void)[] {
    const membership = this.byDoc.get(docId);
    return membership?.state === 'joining' ? membership.queue : [];
  }
}
