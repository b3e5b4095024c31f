import { search } from 'prosemirror-search';
import { EditorState, type Plugin } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { initProseMirrorDoc, ySyncPlugin, ySyncPluginKey } from 'y-prosemirror';
import type * as Y from 'yjs';
import { schema } from '@tandem/crdt-bridge';
import { seedEmptyTextblocksOnWrite } from './emptyTextblocks.js';
import { selectionInBlocks, undoPlugin, useBlockMapping } from './selectionInBlocks.js';
import { caretBlock } from './caretBlock.js';
import { codeFenceKeys } from './codeFence.js';
import { tandemInputRules } from './inputRules.js';
import { remoteScroll } from './remoteScroll.js';
import { tandemKeymap } from './keymap.js';
import { markdownClipboardParser } from './paste.js';
import { tablePlugins } from './tables.js';
import { TaskItemView } from './taskItemView.js';
import { ImageView } from '../images/imageView.js';
import { imagePlugins } from '../images/imagePlugins.js';

/** Options for {@link createEditorView}. */
export interface EditorViewOptions {
  /** Extra plugins (presence cursors, placeholders…). */
  plugins?: Plugin[];
  /** Called after every transaction, so reactive UI (toolbar state) can follow. */
  onState?: (state: EditorState) => void;
  /** Called when this user (not a collaborator) changed the document. */
  onLocalEdit?: () => void;
  /** Called for Mod-K: open the link editor. */
  onLinkRequest?: () => void;
  /** The document's id: images are uploaded to it and loaded from it. */
  docId?: string;
}

/** Mounts a ProseMirror editor on `mount`, bound to the shared `fragment`. */
export function createEditorView(
  mount: HTMLElement,
  fragment: Y.XmlFragment,
  options: EditorViewOptions = {},
): EditorView {
  // The document is built from the fragment once, before the view exists, and handed to the sync
  // plugin with its mapping: without it the plugin renders an empty view, then rebuilds every node
  // and replaces the whole document in a second transaction that every plugin sees (opening a
  // 100k-character document spent ~100 ms more in that second pass).
  // An empty fragment (or one with no valid block) keeps the plugin's own first render: that gives
  // the document the empty paragraph the schema needs, where initProseMirrorDoc leaves it without
  // a block, and typing into a document without a block went wrong for everyone (e2e formatting).
  const built = fragment.length > 0 ? initProseMirrorDoc(fragment, schema) : null;
  const { doc, mapping } = built !== null && built.doc.childCount > 0 ? built : {};
  const state = EditorState.create({
    schema,
    doc,
    plugins: [
      ySyncPlugin(fragment, { mapping }),
      // Right after the sync plugin, whose view update writes this person's changes.
      selectionInBlocks(),
      undoPlugin(),
      // Before the keymaps: cell selection takes arrow keys and the mouse in tables first.
      ...tablePlugins(),
      codeFenceKeys(),
      remoteScroll(),
      caretBlock(),
      ...tandemKeymap({ link: () => options.onLinkRequest?.() }),
      tandemInputRules(),
      // The find bar's query and its highlighted matches.
      search(),
      ...(options.docId === undefined ? [] : imagePlugins(options.docId)),
      ...(options.plugins ?? []),
    ],
  });
  // Before the view: the plugin's first render (of an empty fragment) records its nodes too.
  useBlockMapping(state);
  const view = new EditorView(mount, {
    state,
    attributes: {
      'aria-label': 'Document text',
      'aria-multiline': 'true',
      role: 'textbox',
      'data-testid': 'editor',
      spellcheck: 'true',
      class: 'tandem-doc',
    },
    clipboardTextParser: markdownClipboardParser,
    nodeViews: {
      task_item: (node, v, getPos) => new TaskItemView(node, v, getPos),
      image: (node, v, getPos) => new ImageView(node, v, getPos, options.docId ?? ''),
    },
    // `this` rather than `view`: plugins may dispatch while the constructor is still running.
    dispatchTransaction(this: EditorView, tr) {
      // y-prosemirror 1.3.7 queues cursor updates on a timer and dispatches them without checking
      // that the view still exists (yjs/y-prosemirror#265): leaving the page right after typing
      // would apply them to a destroyed view. A destroyed view has nothing left to update.
      if (this.isDestroyed) return;
      const next = this.state.apply(tr);
      this.updateState(next);
      options.onState?.(next);
      const sync = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
      if (tr.docChanged && !sync?.isChangeOrigin) options.onLocalEdit?.();
    },
  });
  // Two people typing into the same new line at once must not duplicate characters.
  seedEmptyTextblocksOnWrite(view);
  return view;
}
