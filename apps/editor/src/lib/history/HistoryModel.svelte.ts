import type * as Y from 'yjs';
import {
  docJSON,
  type DiffChangeJSON,
  type DiffHiddenRun,
  type DiffJSON,
  type DiffTruncation,
  type NodeJSON,
  type VersionJSON,
} from '@tandem/crdt-bridge';
import { identity } from '../collab/identity.svelte.js';
import {
  copyVersion,
  fetchDiff,
  fetchVersions,
  nameCurrent,
  nameVersion,
  restoreVersion,
  type Against,
} from './api.js';
import { versionTitle } from './format.js';
import { restoredThreadsSentence } from './restoreComments.js';
import { undoableRestore } from './restoreUndo.js';

/** What the panel previews: the live document, or one version. */
export type Selection = { kind: 'current' } | { kind: 'version'; id: number };

/** What the preview shows: a merged document with its changes, and which side of the diff is the one selected. */
export interface Preview {
  doc: NodeJSON;
  changes: DiffChangeJSON[];
  colors: Record<string, string | null>;
  /** The side of the diff that is the selected version (blocks of the other side are not in it). */
  side: 'base' | 'target';
  /** Unchanged runs of blocks left out of a large diff. */
  hidden: DiffHiddenRun[];
  /** What a diff too large to show whole left out at its end. */
  truncated: DiffTruncation | null;
  diff: DiffJSON | null;
}

/** A message for the person, optionally with a link (to a copy). */
export interface Notice {
  text: string;
  link?: { href: string; label: string };
}

/** The preview of a diff, the selected version being its `side`. */
function previewOf(diff: DiffJSON, side: 'base' | 'target'): Preview {
  return {
    doc: diff.doc,
    changes: diff.changes,
    colors: diff.colors,
    side,
    hidden: diff.hidden,
    truncated: diff.truncated,
    diff,
  };
}

/** How long after our own restore its echo is not reported as "the document changed". */
const OWN_CHANGE_GRACE_MS = 1_500;

/**
 * The state of the history panel: the version list, what is selected and compared,
 * the preview, and the actions (restore, name, copy). Requests that come back after a
 * newer one was made are ignored, so quick keyboard navigation shows the last choice.
 */
export class HistoryModel {
  versions = $state<VersionJSON[]>([]);
  colors = $state<Record<string, string | null>>({});
  loadingList = $state(true);
  selection = $state<Selection>({ kind: 'current' });
  against = $state<Against>('previous');
  preview = $state<Preview | null>(null);
  loadingPreview = $state(false);
  /** Set when the live document changed after the preview was loaded. */
  liveChanged = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);
  notice = $state<Notice | null>(null);

  private request = 0;
  private quietUntil = 0;
  private readonly onUpdate = (): void => {
    if (Date.now() > this.quietUntil && this.preview !== null) this.liveChanged = true;
  };

  constructor(
    readonly docId: string,
    readonly doc: Y.Doc,
    /** This person's undo history in the editor, so a restore they make is one step of it. */
    private readonly undoManager: () => Y.UndoManager | null = () => null,
  ) {
    doc.on('update', this.onUpdate);
  }

  /** The selected version, if a version (not the live document) is selected. */
  get selectedVersion(): VersionJSON | null {
    const selection = this.selection;
    return selection.kind === 'version' ? (this.versions.find((v) => v.id === selection.id) ?? null) : null;
  }

  /** Loads the list, then the preview of what is selected. */
  async load(): Promise<void> {
    await this.refreshList();
    await this.loadPreview();
  }

  /** Selects the live document or a version, comparing with the previous version. */
  async select(selection: Selection): Promise<void> {
    if (
      selection.kind === this.selection.kind &&
      (selection.kind === 'current' || selection.id === this.selectedVersion?.id)
    )
      return;
    this.selection = selection;
    this.against = 'previous';
    this.notice = null;
    await this.loadPreview();
  }

  /** Compares the selection with something else. */
  async compareWith(against: Against): Promise<void> {
    this.against = against;
    await this.loadPreview();
  }

  /** Reloads the list and the preview (after the live document changed). */
  async refresh(): Promise<void> {
    await this.refreshList();
    await this.loadPreview();
  }

  /** Restores the selected version, or only one of its top-level blocks, for everyone. */
  async restore(block?: number): Promise<void> {
    const version = this.selectedVersion;
    if (!version || this.busy) return;
    await this.act(async () => {
      this.quietUntil = Date.now() + OWN_CHANGE_GRACE_MS;
      const result = await undoableRestore(this.doc, this.undoManager(), () =>
        restoreVersion(this.docId, version.id, {
          by: identity.current.name,
          ...(block === undefined ? {} : { block }),
        }),
      );
      this.quietUntil = Date.now() + OWN_CHANGE_GRACE_MS;
      const title = versionTitle(version, this.versions);
      const threads = result.changed ? restoredThreadsSentence(this.doc) : '';
      this.notice = {
        text: !result.changed
          ? `The document already matches “${title}”.`
          : block === undefined
            ? `Restored “${title}”. The state before is kept as a restore point. ${threads}`.trim()
            : `Restored one block from “${title}”. The state before is kept as a restore point. ${threads}`.trim(),
      };
      await this.refresh();
    });
  }

  /**
   * Names the selection: the live document's current state, or the selected version. The
   * named version is then the one selected; resolves with it (null when nothing was named).
   */
  async name(name: string): Promise<VersionJSON | null> {
    const trimmed = name.trim();
    if (trimmed === '' || this.busy) return null;
    const version = this.selectedVersion;
    return this.act(async () => {
      const named = version
        ? await nameVersion(this.docId, version.id, trimmed)
        : await nameCurrent(this.docId, trimmed);
      this.notice = { text: `Named “${named.name ?? trimmed}”.` };
      await this.refreshList();
      if (!version) {
        this.selection = { kind: 'version', id: named.id };
        this.against = 'previous';
        await this.loadPreview();
      }
      return named;
    }, null);
  }

  /** Makes a new document holding the selected version. */
  async copy(): Promise<void> {
    const version = this.selectedVersion;
    if (!version || this.busy) return;
    await this.act(async () => {
      const copy = await copyVersion(this.docId, version.id);
      this.notice = { text: `Made “${copy.title}”.`, link: { href: copy.url, label: 'Open the copy' } };
    });
  }

  /** Stops listening to the document. */
  destroy(): void {
    this.doc.off('update', this.onUpdate);
  }

  private async act<T>(work: () => Promise<T>, fallback?: T): Promise<T> {
    this.busy = true;
    this.error = null;
    try {
      return await work();
    } catch (err) {
      this.error = err instanceof Error ? err.message : 'Something went wrong.';
      return fallback as T;
    } finally {
      this.busy = false;
    }
  }

  private async refreshList(): Promise<void> {
    try {
      const { versions, colors } = await fetchVersions(this.docId);
      this.versions = versions;
      this.colors = colors;
      const selection = this.selection;
      if (selection.kind === 'version' && !versions.some((v) => v.id === selection.id)) {
        this.selection = { kind: 'current' };
        this.against = 'previous';
      }
    } catch (err) {
      this.error = err instanceof Error ? err.message : 'The version history could not be loaded.';
    } finally {
      this.loadingList = false;
    }
  }

  private async loadPreview(): Promise<void> {
    const request = ++this.request;
    const selection = this.selection;
    const against = this.against;
    this.loadingPreview = true;
    try {
      let preview: Preview;
      if (selection.kind === 'current') {
        const base = typeof against === 'number' ? against : this.versions[0]?.id;
        if (base === undefined) {
          preview = {
            doc: docJSON(this.doc),
            changes: [],
            colors: {},
            side: 'target',
            hidden: [],
            truncated: null,
            diff: null,
          };
        } else {
          const diff = await fetchDiff(this.docId, base, 'current');
          preview = previewOf(diff, 'target');
        }
      } else {
        const diff = await fetchDiff(this.docId, selection.id, against);
        preview = previewOf(diff, diff.target.version?.id === selection.id ? 'target' : 'base');
      }
      if (request !== this.request) return;
      this.preview = preview;
      this.liveChanged = false;
      this.error = null;
    } catch (err) {
      if (request !== this.request) return;
      this.error = err instanceof Error ? err.message : 'This version could not be shown.';
    } finally {
      if (request === this.request) this.loadingPreview = false;
    }
  }
}
