import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, type DocSession, type SessionStatus } from '@tandem/crdt-bridge';
import { getClient } from './client.js';
import { identity } from './identity.svelte.js';
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
  status = $state<SessionStatus>({ connection: 'connecting', save: 'saved', unsavedChanges: 0, error: null });
  /** True once the first sync with the server completed; the editor shows from then on. */
  loaded = $state(false);

  constructor(readonly docId: string) {
    // Presence first, so the state sent on join already carries our name.
    this.presence = new Presence(this.awareness, identity.current);
    this.session = getClient().open(docId, { doc: this.doc, awareness: this.awareness });
    this.status = this.session.status;
    this.session.on('status', (status) => (this.status = status));
    this.session.on('synced', () => (this.loaded = true));
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

  /** Leaves the document and frees its memory. */
  destroy(): void {
    this.presence.destroy();
    this.session.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
