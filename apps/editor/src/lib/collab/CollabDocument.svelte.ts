import { IndexeddbPersistence } from 'y-indexeddb';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, type DocSession, type SessionStatus } from '@tandem/crdt-bridge';
import { browserId } from './browserId.js';
import { getClient } from './client.js';
import { identity } from './identity.svelte.js';
import { nextFrame } from './nextFrame.js';
import { Presence } from './presence.svelte.js';

/**
 * One open document as the UI sees it: the Y.Doc, presence, and a reactive
 * status that components read directly.
 */
export class CollabDocument {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  readonly session: DocSession;
  readonly presence: Presence;
  status = $state<SessionStatus>({
    connection: 'connecting',
    save: 'saved',
    unsavedChanges: 0,
    error: null,
    role: null,
  });
  /**
   * True once there is something trustworthy to show: the first sync with the
   * server, or a copy of the document this browser kept (offline use).
   */
  loaded = $state(false);
  /** Whether this browser holds a local copy (IndexedDB) that edits are saved to while offline. */
  storedLocally = $state(false);
  private readonly local: IndexeddbPersistence | null;

  constructor(readonly docId: string) {
    // Presence first, so the state sent on join already carries our name.
    this.presence = new Presence(this.awareness, identity.current, browserId());
    this.session = getClient().open(docId, { doc: this.doc, awareness: this.awareness });
    // Others' keystrokes and carets that arrive within one frame are drawn with one redraw.
    this.session.batchRemoteChanges(nextFrame);
    this.status = this.session.status;
    this.session.on('status', (status) => {
      this.status = status;
      // A deleted document must not come back from this browser's copy next time.
      if (status.error?.code === 'DOCUMENT_DELETED') void this.local?.clearData();
    });
    this.session.on('synced', () => (this.loaded = true));
    this.local = openLocalCopy(docId, this.doc, () => {
      this.storedLocally = true;
      // A copy with content is worth showing before the server answers; an empty one is not.
      if (this.fragment.length > 0) this.loaded = true;
    });
  }

  /** The shared fragment ProseMirror edits. */
  get fragment(): Y.XmlFragment {
    return this.doc.getXmlFragment(CONTENT_FRAGMENT);
  }

  /** Whether leaving now would lose changes the server has not stored. */
  get hasUnsavedChanges(): boolean {
    return this.status.save === 'saving';
  }

  /** Drops the connection and builds it again (the "Retry" button). */
  retry(): void {
    getClient().reconnect();
  }

  /** Opens the document again after it was restored from Trash (its session had stopped). */
  resume(): void {
    this.session.resume();
  }

  /** Leaves the document and frees its memory. */
  destroy(): void {
    void this.local?.destroy();
    this.presence.destroy();
    this.session.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** Keeps a copy of the document in IndexedDB, so it opens and takes edits offline; null where IndexedDB is unavailable. */
function openLocalCopy(docId: string, doc: Y.Doc, onLoaded: () => void): IndexeddbPersistence | null {
  try {
    const local = new IndexeddbPersistence(`tandem:${docId}`, doc);
    local.on('synced', onLoaded);
    return local;
  } catch {
    return null;
  }
}
