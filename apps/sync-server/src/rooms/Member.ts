import type { Role } from '@tandem/crdt-bridge/protocol';
import type { MemberPort } from './audience.js';

const NO_IDS: ReadonlySet<number> = new Set();

/** One connection's membership of one document room. */
export class Member {
  /** Made at the first announcement: an idle member (no presence) keeps no set. */
  private announced: Set<number> | null = null;
  /**
   * Set once the room has applied a sync step 2 from this connection: the server then
   * holds everything the client had when it joined, so no one else can legitimately
   * bring new content under this client's own (presence) client id.
   */
  caughtUp = false;

  /**
   * @param id unique per connection (the socket id).
   * @param key what presence and content ownership are bound to: the client's session
   *   key, or the connection id; a reconnecting client with the same key takes them back.
   * @param role what this connection may do in this document.
   * @param port how the room reaches this member alone.
   * @param userId the token's subject in token mode, null in open mode (where anyone is
   *   anyone): comment and suggestion rules name the sender by it.
   */
  constructor(
    readonly id: string,
    readonly key: string,
    readonly role: Role,
    readonly port: MemberPort,
    readonly userId: string | null = null,
  ) {}

  /** Awareness client ids this connection has announced in this room. */
  get awarenessIds(): ReadonlySet<number> {
    return this.announced ?? NO_IDS;
  }

  /** This connection announced presence under `clientId`. */
  announce(clientId: number): void {
    (this.announced ??= new Set()).add(clientId);
  }

  /** `clientId`'s presence moved to another connection (the same session, reconnected). */
  release(clientId: number): void {
    this.announced?.delete(clientId);
  }
}
