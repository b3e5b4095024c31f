import type { Node } from 'prosemirror-model';
import { EditorState, TextSelection, type Plugin } from 'prosemirror-state';
import { schema, suggestionOf } from '@tandem/crdt-bridge';
import { suggestionMarkOf, type SuggestionAuthor } from './suggestionAuthor.js';

/** Two people for the tests: Sue suggests, Ed edits. */
export const SUE: SuggestionAuthor = { id: 'sue', name: 'Sue', color: '#c2255c' };
export const ED: SuggestionAuthor = { id: 'ed', name: 'Ed', color: '#1971c2' };

/** A state whose document is one paragraph per string, with `plugins`. */
export function stateOf(paragraphs: string[], plugins: Plugin[] = []): EditorState {
  const doc = schema.node(
    'doc',
    null,
    paragraphs.map((text) => schema.node('paragraph', null, text ? [schema.text(text)] : [])),
  );
  return EditorState.create({ doc, plugins, selection: TextSelection.atStart(doc) });
}

/**
 * The document in a compact form the tests can compare: paragraphs joined by " | ", text
 * suggested for insertion as `[+text by id]`, for deletion as `[-text by id]`.
 */
export function described(doc: Node): string {
  const paragraphs: string[] = [];
  doc.forEach((block) => {
    let out = '';
    block.forEach((node) => {
      const text = node.text ?? '';
      const ins = suggestionMarkOf(node, 'insertion');
      const del = suggestionMarkOf(node, 'deletion');
      if (ins) out += `[+${text} ${suggestionOf(ins).author}:${suggestionOf(ins).id}]`;
      else if (del) out += `[-${text} ${suggestionOf(del).author}:${suggestionOf(del).id}]`;
      else out += text;
    });
    paragraphs.push(out);
  });
  return paragraphs.join(' | ');
}
