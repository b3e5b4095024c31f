import * as Y from 'yjs';
import { COMMENTS_MAP } from '@tandem/crdt-bridge/comments';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { changesBodyBeyondSuggestions } from './bodyShape.js';
import { commentsProblem, type Sender } from './commentRules.js';
import { CHECK_SLICE_MS, buildsOnUnknown, nextTurn } from './largeUpdate.js';
import type { Member } from './Member.js';
import { mayTouchRoot } from './updateRoots.js';
import type { DecodedUpdate } from './v1Update.js';

/** What the policy needs from its room. */
export interface PolicyDeps {
  /** The room's document, its stored content applied. */
  content(): Y.Doc;
  /** The document's whole state as one V1 update (cached by the room until it changes). */
  fullState(): Uint8Array;
  /** Splits an update into parts off the event loop; null when it is not one whole V1 update. */
  splitUpdate(update: Uint8Array): Promise<Uint8Array[] | null>;
  /** Whether the room is gone. */
  isDestroyed(): boolean;
}

/** Why an update is refused by the role rules: the error code and words for the person. */
export interface PolicyRefusal {
  code: ErrorCode;
  message: string;
}

/**
 * Refused trials one member may cause before their updates are refused untried: each one
 * costs a rebuild of the shadow (about 0.2 s for a 1.3 MB document), which a client bent on
 * it could otherwise make the server do many times a second. An honest client is almost
 * never refused; one that is can rejoin.
 */
export const MAX_REFUSED_TRIALS = 10;

/**
 * A document whose state is at most this big gets its shadow at once, on the event loop:
 * ~10 ms for 128 KiB of small edits on this machine, where the worker round trip (its
 * start, the first time) took 250–340 ms that every change to the document waited for —
 * after a node took a document over, for instance.
 */
export const SHADOW_AT_ONCE_BYTES = 128 * 1024;

const MISSING_DEPENDENCIES: PolicyRefusal = {
  code: ErrorCode.MissingDependencies,
  message: 'The update builds on changes the server does not have; re-syncing.',
};

/** Marks the shadow's trial transaction, to read what it changed. */
const TRIAL = Symbol('trial');

/** Any shared type, as Yjs's own functions take it. */
type SharedType = Parameters<typeof Y.findRootTypeKey>[0];

/** The root type a shared type lives in, by name. */
function rootName(type: SharedType): string | null {
  let t: SharedType | null = type;
  while (t?._item) t = t._item.parent as SharedType | null;
  return t ? (Y.findRootTypeKey(t) ?? null) : null;
}

/**
 * The per-update rules of PROTOCOL.md ("Who may change what") that the schema cannot
 * express because they depend on who sends: a commenter may change only the comments and
 * their own suggestions; everyone's comment changes must be in their own name.
 *
 * An update is tried on a shadow copy of the room's document first and the two compared,
 * so nothing of a refused update reaches the real one. The shadow follows every change of
 * the room's document; it is made when first needed (a commenter's update, or anyone's
 * that touches the comments) and dropped when no commenter is left, or after a refused
 * trial (it then holds what the room's document does not). Making it means applying the
 * whole document (about 0.3 s for 1.3 MB), so {@link warmUp} does it for a big document in
 * parts over several turns, while the update that needs it waits.
 */
export class UpdatePolicy {
  private shadow: Y.Doc | null = null;
  /** Refused trials per member (a rejoin is a new member). */
  private readonly refusedTrials = new WeakMap<Member, number>();
  /** The room's document the shadow follows, and how. */
  private following: { doc: Y.Doc; listener: (update: Uint8Array) => void } | null = null;

  private building: Promise<void> | null = null;

  constructor(private readonly deps: PolicyDeps) {}

  /** Whether the shadow is there, so a trial can run at once. */
  get ready(): boolean {
    return this.shadow !== null;
  }

  /**
   * Whether `member`'s update needs a trial on the shadow: always for a commenter, and for
   * anyone when it may change the comments (`touchesComments` when the caller already
   * worked that out, a slice at a time: see RootCheck).
   */
  needsTrial(decoded: readonly DecodedUpdate[], member: Member, touchesComments?: boolean): boolean {
    if (member.role === 'commenter') return true;
    return touchesComments ?? mayTouchRoot(this.deps.content(), decoded, COMMENTS_MAP);
  }

  /** Makes the shadow without holding the event loop: the document split into parts on a worker, applied a part a turn. */
  warmUp(): Promise<void> {
    if (this.shadow) return Promise.resolve();
    this.building ??= this.build().finally(() => (this.building = null));
    return this.building;
  }

  /**
   * Why `member` may not apply `update` (decoded as `decoded`), which {@link needsTrial}, or
   * null when they may. Makes the shadow at once if {@link warmUp} has not.
   */
  check(update: Uint8Array, decoded: readonly DecodedUpdate[], member: Member): PolicyRefusal | null {
    const doc = this.deps.content();
    // What would be left pending is asked for again, never tried: a trial would have to be thrown away.
    if (buildsOnUnknown(doc, decoded)) return MISSING_DEPENDENCIES;
    const refusedBefore = this.refusedTrials.get(member) ?? 0;
    if (refusedBefore >= MAX_REFUSED_TRIALS)
      return {
        code: ErrorCode.Forbidden,
        message: 'Too many of your changes were refused; open the document again to go on.',
      };
    const sender: Sender = { id: member.userId, role: member.role };
    const shadow = this.shadowOf(doc);
    const changed = new Map<SharedType, string | null>();
    const collect = (tr: Y.Transaction) => {
      if (tr.origin === TRIAL) for (const type of tr.changed.keys()) changed.set(type, rootName(type));
    };
    shadow.on('afterTransaction', collect);
    try {
      Y.applyUpdate(shadow, update, TRIAL);
    } catch {
      this.drop();
      this.refusedTrials.set(member, refusedBefore + 1);
      return { code: ErrorCode.MalformedUpdate, message: 'The update could not be applied.' };
    } finally {
      shadow.off('afterTransaction', collect);
    }
    const refusal = this.verdict(doc, shadow, sender, changed);
    if (refusal) {
      // A refused or incomplete trial leaves the shadow ahead of the room's document.
      this.drop();
      this.refusedTrials.set(member, refusedBefore + 1);
    }
    return refusal;
  }

  /** The rules, given the document before (`doc`) and after (`shadow`) the update and the root types it changed. */
  private verdict(
    doc: Y.Doc,
    shadow: Y.Doc,
    sender: Sender,
    changed: Map<SharedType, string | null>,
  ): PolicyRefusal | null {
    const roots = new Set(changed.values());
    if (shadow.store.pendingStructs !== null || shadow.store.pendingDs !== null) return MISSING_DEPENDENCIES;
    if (sender.role === 'commenter') {
      for (const root of roots) {
        if (root === COMMENTS_MAP || root === CONTENT_FRAGMENT) continue;
        return { code: ErrorCode.Forbidden, message: 'You can comment and suggest, but not change the document.' };
      }
      // A commenter always has a token (open mode makes everyone an owner).
      const author = sender.id ?? '';
      const inBody = [...changed].filter(([, root]) => root === CONTENT_FRAGMENT).map(([type]) => type);
      if (changesBodyBeyondSuggestions(doc, shadow, CONTENT_FRAGMENT, inBody, author))
        return {
          code: ErrorCode.Forbidden,
          message: 'You can suggest changes (marked as yours), but not change the text directly.',
        };
    }
    if (!roots.has(COMMENTS_MAP)) return null;
    const problem = commentsProblem(doc, shadow, sender);
    if (problem === null) return null;
    return {
      code: problem.kind === 'forbidden' ? ErrorCode.Forbidden : ErrorCode.SchemaViolation,
      message: problem.reason,
    };
  }

  /** Stops keeping a shadow when no commenter is left in the room (editors' comment changes make one again). */
  membersChanged(members: Iterable<Member>): void {
    for (const member of members) if (member.role === 'commenter') return;
    this.drop();
  }

  /** Lets the shadow go (the room is unloaded, or the shadow no longer matches). */
  drop(): void {
    if (this.following) this.following.doc.off('update', this.following.listener);
    this.shadow?.destroy();
    this.shadow = null;
    this.following = null;
  }

  private shadowOf(doc: Y.Doc): Y.Doc {
    if (this.shadow) return this.shadow;
    const shadow = new Y.Doc({ gc: doc.gc });
    Y.applyUpdate(shadow, this.deps.fullState());
    return this.install(doc, shadow);
  }

  /** Builds the shadow (a big document's a part at a time); what the document takes in meanwhile is applied after. */
  private async build(): Promise<void> {
    const doc = this.deps.content();
    const shadow = new Y.Doc({ gc: doc.gc });
    const missed: Uint8Array[] = [];
    const listener = (update: Uint8Array) => missed.push(update);
    doc.on('update', listener);
    try {
      const state = this.deps.fullState();
      const atOnce = state.byteLength <= SHADOW_AT_ONCE_BYTES;
      const parts = atOnce ? [state] : ((await this.deps.splitUpdate(state).catch(() => null)) ?? [state]);
      // Parts for as long as one slice allows, then the next turn: one part a turn took seconds
      // of waiting under load, for a few tens of milliseconds of work.
      let sliceEnd = performance.now() + CHECK_SLICE_MS;
      for (const part of parts) {
        if (performance.now() > sliceEnd) {
          await nextTurn();
          sliceEnd = performance.now() + CHECK_SLICE_MS;
        }
        if (this.deps.isDestroyed() || this.shadow) return shadow.destroy();
        Y.applyUpdate(shadow, part);
      }
      for (const update of missed) Y.applyUpdate(shadow, update);
    } finally {
      doc.off('update', listener);
    }
    if (this.deps.isDestroyed() || this.shadow) return shadow.destroy();
    this.install(doc, shadow);
  }

  /** Makes `shadow`, which holds what `doc` holds, the shadow, following `doc` from now on. */
  private install(doc: Y.Doc, shadow: Y.Doc): Y.Doc {
    // Typed now, once: typing a root later makes a new object, unlike the one a trial reports as changed.
    shadow.getXmlFragment(CONTENT_FRAGMENT);
    shadow.getMap(COMMENTS_MAP);
    const listener = (update: Uint8Array) => Y.applyUpdate(shadow, update);
    doc.on('update', listener);
    this.following = { doc, listener };
    this.shadow = shadow;
    return shadow;
  }
}
