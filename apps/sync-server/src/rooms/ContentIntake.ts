import type { Logger } from 'pino';
import * as Y from 'yjs';
import { COMMENTS_MAP } from '@tandem/crdt-bridge/comments';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import type { DurabilityTicket } from '../storage/WriteQueue.js';
import { CHECK_SLICE_MS, LARGE_UPDATE_BYTES, UPDATE_PART_STRUCTS, buildsOnUnknown, nextTurn } from './largeUpdate.js';
import type { Member } from './Member.js';
import type { ChangeOrigin } from './origins.js';
import type { ApplyResult, Refusal } from './results.js';
import { SchemaCheck, schemaViolation } from './schemaGuard.js';
import type { StoredState } from './StoredState.js';
import { RootCheck } from './updateRoots.js';
import { UpdateQueue } from './UpdateQueue.js';
import type { UpdatePolicy } from './UpdatePolicy.js';
import { decodeWholeV1Update, isEmptyDeleteSet, structCountHint, type DecodedUpdate } from './v1Update.js';

/** What a room's content intake needs from the room. */
export interface IntakeDeps {
  docId: string;
  log: Logger;
  /** The room's document, its stored content applied first if it was not yet. */
  content(): Y.Doc;
  /** The stored row while it is still unapplied, else null. */
  stored(): StoredState | null;
  /** The member whose presence carries a client id, if it is in the room and caught up. */
  presenceOwner(clientId: number): Member | null;
  /** Whether a session (a member key) has a connection in the room. */
  isLive(key: string): boolean;
  /** A ticket for everything of this document queued for storage so far. */
  ticket(): DurabilityTicket;
  /** Splits a large update into parts off the event loop; null when it is not one whole V1 update. */
  splitUpdate(update: Uint8Array): Promise<Uint8Array[] | null>;
  /** Whether the room is gone (unloaded, or its document deleted). */
  isDestroyed(): boolean;
  /** The role rules (see UpdatePolicy): why `member` may not apply the update, or null. */
  policy: Pick<UpdatePolicy, 'check' | 'needsTrial' | 'ready' | 'warmUp'>;
}

/** What {@link ContentIntake.applyWhole} answers when it must wait for the role rules' shadow first. */
const WARM_UP = Symbol('warm up');

/** A member's change being applied; ChangeFanout sets `ticket` when it queues what it changed. */
type MemberOrigin = ChangeOrigin & { source: 'member' };

/**
 * Takes clients' updates into a room's document: decodes each whole before touching the
 * document, checks it against the schema, refuses new content under a client id another
 * live session owns, and refuses what builds on unknown changes — so a bad update changes
 * nothing. A large update (a big paste) is checked and applied a slice at a time, and
 * whatever arrives meanwhile waits behind it in order.
 */
export class ContentIntake {
  /**
   * Which session (member key) first wrote live edits under each Yjs client id. While that
   * session is connected, only it may add content under the id. Kept while the room is
   * loaded, so a session that reconnects keeps its ids.
   */
  private readonly contentOwners = new Map<number, string>();
  private readonly queue = new UpdateQueue();

  constructor(private readonly deps: IntakeDeps) {}

  /**
   * Applies a client's update. A small one is applied at once when nothing waits before it;
   * a large one (over 64 KiB and more structs than one part holds) — and anything that
   * arrives while it is applied — goes through the queue (see {@link applyInParts}).
   * `kind` is the sync message that carried it: a live `update` is the sender's own
   * editing, so it claims the client ids it adds content under; a `step2` may carry
   * anyone's content (what the client received, e.g. before a server crash) and claims nothing.
   */
  submit(update: Uint8Array, member: Member, kind: 'step2' | 'update'): ApplyResult | Promise<ApplyResult> {
    // Bytes alone would also send a long run of typed or pasted text (one struct) the long way.
    const large = update.byteLength > LARGE_UPDATE_BYTES && (structCountHint(update) ?? Infinity) > UPDATE_PART_STRUCTS;
    if (!large && this.queue.idle) {
      const result = this.applyWhole(update, member, kind, false);
      if (result !== WARM_UP) return result;
    }
    return this.queue.run(async () => {
      if (large) return this.applyInParts(update, member, kind);
      const first = this.applyWhole(update, member, kind, false);
      if (first !== WARM_UP) return first;
      // The shadow the rules need is made over several turns; this update (and what comes after it) waits.
      await this.deps.policy.warmUp();
      if (this.deps.isDestroyed()) return this.gone();
      return this.applyWhole(update, member, kind, true) as ApplyResult;
    });
  }

  /**
   * Decodes, checks and applies an update in one go; or, when the role rules need a shadow
   * not made yet and `mayBuild` is false, changes nothing and answers {@link WARM_UP}.
   */
  private applyWhole(
    update: Uint8Array,
    member: Member,
    kind: 'step2' | 'update',
    mayBuild: boolean,
  ): ApplyResult | typeof WARM_UP {
    let decoded: DecodedUpdate;
    try {
      decoded = decodeWholeV1Update(update);
    } catch (error) {
      return this.malformed(member, error);
    }
    const { structs } = decoded;
    // Nothing to apply (a step 2 from a client that has nothing new): the document need not even be loaded.
    // A returning client with nothing new still sends its whole delete set; while the document is
    // held as stored, that is nothing new when the stored delete set covers it.
    if (structs.length === 0 && (isEmptyDeleteSet(decoded.ds) || this.deps.stored()?.coversDeletes(decoded.ds))) {
      if (kind === 'step2') member.caughtUp = true;
      // Nothing new, but what it carries may still be on its way to disk (someone else's identical change).
      return { ok: true, ticket: this.deps.ticket() };
    }
    const doc = this.deps.content();
    const violation = schemaViolation(doc, structs);
    if (violation !== null) return this.violatesSchema(member, violation);
    const added = this.clientsWithNewContent(doc, structs);
    const foreign = this.foreignContent(added, member);
    if (foreign) return foreign;
    const { policy } = this.deps;
    if (policy.needsTrial([decoded], member)) {
      if (!policy.ready && !mayBuild) return WARM_UP;
      const refused = policy.check(update, [decoded], member);
      if (refused) return this.refusedByPolicy(member, refused);
    }
    const origin: MemberOrigin = { source: 'member', member, clients: added };
    try {
      Y.applyUpdate(doc, update, origin);
    } catch (error) {
      this.deps.log.warn({ doc: this.deps.docId, socket: member.id, err: error }, 'update failed to apply');
      return this.refusal(ErrorCode.MalformedUpdate, 'The update could not be applied.');
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      // Keep nothing the document cannot integrate; the client re-sends it after our step 1.
      doc.store.pendingStructs = null;
      doc.store.pendingDs = null;
      return this.missingDependencies();
    }
    this.claim(added, member, kind);
    return { ok: true, ticket: origin.ticket ?? this.deps.ticket() };
  }

  /**
   * Applies a large update without holding the event loop: it is split into parts off the
   * event loop; each part is decoded in a turn of its own; the schema is checked in slices
   * of a few milliseconds; ownership and dependencies are checked for the whole; then each
   * part is applied (and relayed, and queued for storage) in a turn of its own. Every
   * check comes before the first part is applied, so a refused update changes nothing.
   */
  private async applyInParts(update: Uint8Array, member: Member, kind: 'step2' | 'update'): Promise<ApplyResult> {
    let parts: Uint8Array[] | null;
    try {
      parts = await this.deps.splitUpdate(update);
    } catch (error) {
      this.deps.log.error({ doc: this.deps.docId, socket: member.id, err: error }, 'a large update could not be split');
      return this.refusal(
        ErrorCode.Internal,
        'The server could not take this large change right now; it is kept on your side. Try again.',
      );
    }
    if (parts === null) return this.malformed(member, new RangeError('not one whole V1 update'));
    if (this.deps.isDestroyed()) return this.gone();
    const doc = this.deps.content();
    const decoded: DecodedUpdate[] = [];
    const check = new SchemaCheck(doc);
    const comments = new RootCheck(doc, COMMENTS_MAP);
    for (const part of parts) {
      await nextTurn();
      const one = decodeWholeV1Update(part);
      decoded.push(one);
      check.add(one.structs);
      comments.add(one);
    }
    let violation: string | null | undefined;
    do {
      await nextTurn();
      if (this.deps.isDestroyed()) return this.gone();
      violation = check.run(performance.now() + CHECK_SLICE_MS);
    } while (violation === undefined);
    if (violation !== null) return this.violatesSchema(member, violation);
    let touchesComments: boolean | undefined;
    do {
      await nextTurn();
      if (this.deps.isDestroyed()) return this.gone();
      touchesComments = comments.run(performance.now() + CHECK_SLICE_MS);
    } while (touchesComments === undefined);
    await nextTurn();
    if (this.deps.isDestroyed()) return this.gone();
    if (buildsOnUnknown(doc, decoded)) return this.missingDependencies();
    const added = this.clientsWithNewContent(
      doc,
      decoded.flatMap((d) => d.structs),
    );
    const foreign = this.foreignContent(added, member);
    if (foreign) return foreign;
    const { policy } = this.deps;
    if (policy.needsTrial(decoded, member, touchesComments)) {
      await policy.warmUp();
      if (this.deps.isDestroyed()) return this.gone();
      const refused = policy.check(update, decoded, member);
      if (refused) return this.refusedByPolicy(member, refused);
    }
    const origin: MemberOrigin = { source: 'member', member, clients: added };
    for (const part of parts) {
      await nextTurn();
      if (this.deps.isDestroyed()) return this.gone();
      Y.applyUpdate(doc, part, origin);
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      // Checked for above; if it happens anyway, keep nothing the document cannot integrate.
      this.deps.log.error({ doc: this.deps.docId, socket: member.id }, 'a large update left changes pending');
      doc.store.pendingStructs = null;
      doc.store.pendingDs = null;
      return this.missingDependencies();
    }
    this.claim(added, member, kind);
    // Parts are queued in order: the last one's ticket covers them all.
    return { ok: true, ticket: origin.ticket ?? this.deps.ticket() };
  }

  /** Client ids under which `structs` add content `doc` does not have yet. */
  private clientsWithNewContent(doc: Y.Doc, structs: readonly (Y.Item | Y.GC | Y.Skip)[]): number[] {
    const to = new Map<number, number>();
    for (const struct of structs) {
      if (struct instanceof Y.Skip) continue;
      const end = struct.id.clock + struct.length;
      if (end > (to.get(struct.id.client) ?? 0)) to.set(struct.id.client, end);
    }
    const added: number[] = [];
    for (const [clientId, end] of to) if (end > Y.getState(doc.store, clientId)) added.push(clientId);
    return added;
  }

  /**
   * The key of the live session that owns a Yjs client id, or null when no live session
   * does: the one that first wrote live edits under it, or else the one whose presence
   * carries it once that client has caught up (so an id seen in someone's presence cannot
   * be taken over before its owner writes anything).
   */
  private ownerOf(clientId: number): string | null {
    const key = this.contentOwners.get(clientId);
    if (key !== undefined && this.deps.isLive(key)) return key;
    return this.deps.presenceOwner(clientId)?.key ?? null;
  }

  /** Refuses new content under client ids another live session owns; null when there is none. */
  private foreignContent(added: readonly number[], member: Member): Refusal | null {
    for (const clientId of added) {
      const owner = this.ownerOf(clientId);
      if (owner !== null && owner !== member.key) {
        this.deps.log.warn(
          { doc: this.deps.docId, socket: member.id, clientId },
          'content under another session’s client id refused',
        );
        return this.refusal(
          ErrorCode.Forbidden,
          'The update writes under a client id that belongs to someone else; nothing was applied.',
        );
      }
    }
    return null;
  }

  /** After a member's update is applied: a live update claims its client ids; a step 2 means caught up. */
  private claim(added: readonly number[], member: Member, kind: 'step2' | 'update'): void {
    if (kind === 'update') {
      for (const clientId of added) if (!this.contentOwners.has(clientId)) this.contentOwners.set(clientId, member.key);
    } else {
      member.caughtUp = true;
    }
  }

  private refusal(code: ErrorCode, message: string): Refusal {
    return { ok: false, error: { docId: this.deps.docId, code, message } };
  }

  private malformed(member: Member, error: unknown): Refusal {
    this.deps.log.warn({ doc: this.deps.docId, socket: member.id, err: error }, 'malformed update refused');
    return this.refusal(ErrorCode.MalformedUpdate, 'The update could not be decoded.');
  }

  private violatesSchema(member: Member, violation: string): Refusal {
    this.deps.log.warn({ doc: this.deps.docId, socket: member.id, violation }, 'update violating the schema refused');
    return this.refusal(ErrorCode.SchemaViolation, violation);
  }

  private refusedByPolicy(member: Member, refused: { code: ErrorCode; message: string }): Refusal {
    this.deps.log.warn(
      { doc: this.deps.docId, socket: member.id, role: member.role, refused },
      'update refused by role',
    );
    return this.refusal(refused.code, refused.message);
  }

  private missingDependencies(): Refusal {
    return this.refusal(
      ErrorCode.MissingDependencies,
      'The update builds on changes the server does not have; re-syncing.',
    );
  }

  private gone(): Refusal {
    return this.refusal(ErrorCode.NotJoined, 'This document is no longer open here; join it again.');
  }
}
