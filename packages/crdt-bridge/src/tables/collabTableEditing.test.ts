import type { Node as PMNode } from 'prosemirror-model';
import { EditorState, TextSelection, type Command, type Transaction } from 'prosemirror-state';
import {
  TableMap,
  addColumnAfter,
  addColumnBefore,
  addRowAfter,
  addRowBefore,
  deleteColumn,
  deleteRow,
  fixTables,
} from 'prosemirror-tables';
import { describe, expect, it } from 'vitest';
import { initProseMirrorDoc, updateYFragment, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from '../schema/schema.js';
import { yUpdateFromDoc } from '../schema/convert.js';
import { createRandom, type Random } from '../testing/random.js';
import { collabTableEditing } from './collabTableEditing.js';
import { onSoundTables } from './soundTable.js';

const { nodes } = schema;
const REMOTE = 'remote';

/** A 2 × 2 table with a header row, between two paragraphs. */
function startingDoc(): PMNode {
  const cell = (type: 'table_header' | 'table_cell', text: string): PMNode =>
    nodes[type]!.create(null, nodes.paragraph!.create(null, schema.text(text)));
  const row = (type: 'table_header' | 'table_cell', a: string, b: string): PMNode =>
    nodes.table_row!.create(null, [cell(type, a), cell(type, b)]);
  return nodes.doc!.create(null, [
    nodes.paragraph!.create(null, schema.text('before')),
    nodes.table!.create(null, [row('table_header', 'A', 'B'), row('table_cell', '1', '2')]),
    nodes.paragraph!.create(null, schema.text('after')),
  ]);
}

/**
 * One person's editor, as y-prosemirror's binding runs it: local edits go through the
 * editor's plugins and are written into Yjs; remote updates are read back as a change
 * tagged as y-prosemirror tags it.
 */
class TablePeer {
  readonly ydoc = new Y.Doc();
  readonly inbox: Uint8Array[] = [];
  state: EditorState;
  /** Transactions plugins appended in answer to remote changes (should stay 0). */
  repairsOfRemote = 0;
  private meta: ReturnType<typeof initProseMirrorDoc>['meta'];

  constructor(initial: Uint8Array) {
    Y.applyUpdate(this.ydoc, initial, REMOTE);
    const { doc, meta } = initProseMirrorDoc(this.fragment, schema);
    this.meta = meta;
    this.state = EditorState.create({ doc, plugins: [collabTableEditing()] });
  }

  get fragment(): Y.XmlFragment {
    return this.ydoc.getXmlFragment(CONTENT_FRAGMENT);
  }

  /** Runs `command` as this person's edit and writes the result into Yjs. */
  edit(command: Command): void {
    let tr: Transaction | null = null;
    if (!command(this.state, (t) => (tr = t)) || !tr) return;
    this.state = this.state.applyTransaction(tr).state;
    this.ydoc.transact(() => updateYFragment(this.ydoc, this.fragment, this.state.doc, this.meta));
  }

  /** Applies every update waiting in the inbox, then shows the result as a remote change. */
  receive(): void {
    if (this.inbox.length === 0) return;
    for (const update of this.inbox.splice(0)) Y.applyUpdate(this.ydoc, update, REMOTE);
    const { doc, meta } = initProseMirrorDoc(this.fragment, schema);
    this.meta = meta;
    const tr = this.state.tr.replaceWith(0, this.state.doc.content.size, doc.content);
    tr.setMeta(ySyncPluginKey, { isChangeOrigin: true });
    const result = this.state.applyTransaction(tr);
    this.repairsOfRemote += result.transactions.length - 1;
    this.state = result.state;
  }
}

/** Two peers joined by inboxes: each one's own updates go to the other. */
function pair(): [TablePeer, TablePeer] {
  const initial = yUpdateFromDoc(startingDoc());
  const a = new TablePeer(initial);
  const b = new TablePeer(initial);
  a.ydoc.on('update', (u: Uint8Array, origin: unknown) => origin !== REMOTE && b.inbox.push(u));
  b.ydoc.on('update', (u: Uint8Array, origin: unknown) => origin !== REMOTE && a.inbox.push(u));
  return [a, b];
}

/** The first table of `doc` and its position. */
function firstTable(doc: PMNode): { table: PMNode; pos: number } | null {
  let found: { table: PMNode; pos: number } | null = null;
  doc.descendants((node, pos) => {
    if (found) return false;
    if (node.type === nodes.table) found = { table: node, pos };
    return !found;
  });
  return found;
}

/** A command that puts the caret at the end of a random cell, then runs `then`. */
function inRandomCell(random: Random, then: (tr: Transaction, state: EditorState) => void): Command {
  return (state, dispatch) => {
    const found = firstTable(state.doc);
    if (!found) return false;
    const map = TableMap.get(found.table);
    const cellPos = found.pos + 1 + map.map[random.int(map.map.length)]!;
    const cell = state.doc.nodeAt(cellPos)!;
    const tr = state.tr.setSelection(TextSelection.create(state.doc, cellPos + cell.nodeSize - 2));
    then(tr, state);
    dispatch?.(tr);
    return true;
  };
}

/** Moves to a random cell, then runs a prosemirror-tables command there. */
function tableCommand(random: Random, command: Command): Command {
  return (state, dispatch) => {
    let placed: EditorState | null = null;
    inRandomCell(random, () => undefined)(state, (tr) => (placed = state.apply(tr)));
    if (!placed) return false;
    const at: EditorState = placed;
    return command(at, (tr) => {
      // Replay the caret move in front of the command's own steps, as one edit.
      const whole = state.tr.setSelection(at.selection.map(state.doc, at.tr.mapping));
      for (const step of tr.steps) whole.step(step);
      dispatch?.(whole);
    });
  };
}

/** One random edit a person might make to the table. */
function randomEdit(random: Random): Command {
  const roll = random.int(10);
  if (roll < 5) return inRandomCell(random, (tr) => tr.insertText(random.word(4)));
  const commands = [addRowAfter, addRowBefore, addColumnAfter, addColumnBefore, deleteRow, deleteColumn];
  return tableCommand(random, onSoundTables(random.pick(commands)));
}

/** Whether every table is rectangular with no overlapping or missing cells (deleting them all is sound too). */
function tableIsSound(doc: PMNode): boolean {
  let sound = true;
  doc.descendants((node) => {
    if (node.type === nodes.table && TableMap.get(node).problems !== null) sound = false;
    return node.type !== nodes.table;
  });
  return sound;
}

describe('two people editing one table at once', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`converge to one valid table, with no repair answering a repair (seed ${seed})`, () => {
      const random = createRandom(seed);
      const [a, b] = pair();
      for (let step = 0; step < 60; step++) {
        const peer = random.pick([a, b]);
        if (random.chance(0.35)) peer.receive();
        else peer.edit(randomEdit(random));
      }
      // Deliver until quiet: a repair must not set off another one on the other side.
      for (let round = 0; round < 3; round++) {
        a.receive();
        b.receive();
      }
      expect(a.inbox).toEqual([]);
      expect(b.inbox).toEqual([]);
      expect(a.state.doc.toJSON()).toEqual(b.state.doc.toJSON());
      expect(a.fragment.toString()).toBe(b.fragment.toString());
      a.state.doc.check();
      expect(a.repairsOfRemote + b.repairsOfRemote).toBe(0);
      // Whatever the merge left, the next local edit's repair makes the table sound.
      const fixed = fixTables(a.state);
      expect(tableIsSound(fixed ? fixed.doc : a.state.doc)).toBe(true);
    });
  }

  it('repairs a table a merge left ragged once, on the next local edit, and the other side takes it as is', () => {
    const [a, b] = pair();
    const at =
      (cell: number): Command =>
      (state, dispatch) => {
        const found = firstTable(state.doc)!;
        const pos = found.pos + 1 + TableMap.get(found.table).map[cell]!;
        dispatch?.(state.tr.setSelection(TextSelection.create(state.doc, pos + 2)));
        return true;
      };
    a.edit(at(0));
    a.edit(addColumnAfter);
    b.edit(at(2));
    b.edit(addRowAfter);
    a.receive();
    b.receive();
    expect(a.state.doc.toJSON()).toEqual(b.state.doc.toJSON());
    expect(tableIsSound(a.state.doc)).toBe(false);
    a.edit(at(0));
    a.edit((state, dispatch) => (dispatch?.(state.tr.insertText('x')), true));
    expect(tableIsSound(a.state.doc)).toBe(true);
    b.receive();
    a.receive();
    expect(b.state.doc.toJSON()).toEqual(a.state.doc.toJSON());
    expect(a.repairsOfRemote + b.repairsOfRemote).toBe(0);
  });
});

describe('a repair the schema refuses', () => {
  it('is left out, so a table command run straight on a table a merge left ragged never throws', () => {
    // Seed 10 with the bare commands once computed a zero colspan in fixTables' repair.
    for (const seed of [10, 23, 31]) {
      const random = createRandom(seed);
      const [a, b] = pair();
      const bare = (r: Random): Command =>
        r.int(10) < 5
          ? inRandomCell(r, (tr) => tr.insertText(r.word(4)))
          : tableCommand(
              r,
              r.pick([addRowAfter, addRowBefore, addColumnAfter, addColumnBefore, deleteRow, deleteColumn]),
            );
      for (let step = 0; step < 60; step++) {
        const peer = random.pick([a, b]);
        if (random.chance(0.35)) peer.receive();
        else expect(() => peer.edit(bare(random)), `seed ${seed} step ${step}`).not.toThrow();
      }
    }
  });
});
