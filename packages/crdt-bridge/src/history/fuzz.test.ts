import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { docText } from '../schema/text.js';
import { createRandom, type Random } from '../testing/random.js';
import { diffStates } from './diff.js';
import { restoreState } from './restore.js';
import { decodeState, encodeState } from './snapshot.js';
import type { StateDiff } from './types.js';

/** One random edit by one of three peers: type, delete, add or remove a paragraph. */
function randomEdit(doc: Y.Doc, random: Random): void {
  const body = doc.getXmlFragment(CONTENT_FRAGMENT);
  const roll = random.int(10);
  if (body.length === 0 || roll === 0) {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(random.word(6))]);
    body.insert(random.int(body.length + 1), [p]);
    return;
  }
  const i = random.int(body.length);
  if (roll === 1) {
    body.delete(i, 1);
    return;
  }
  const paragraph = body.get(i) as Y.XmlElement;
  if (paragraph.length === 0) paragraph.insert(0, [new Y.XmlText()]);
  const text = paragraph.get(0) as Y.XmlText;
  if (roll < 6 || text.length === 0) text.insert(random.int(text.length + 1), random.word(5));
  else {
    const at = random.int(text.length);
    text.delete(at, random.between(1, Math.min(4, text.length - at)));
  }
}

/** The text of one side of a diff: the merged document without what only the other side has. */
function side(diff: StateDiff, without: 'added' | 'removed'): string {
  const ranges = diff.changes.filter((c) => c.type === without);
  const hidden = (pos: number): boolean => ranges.some((r) => pos >= r.from && pos < r.to);
  const lines: string[] = [];
  let pos = 0;
  for (const block of diff.doc.content ?? []) {
    let size = 2;
    let line = '';
    let at = pos + 1;
    for (const run of block.content ?? []) {
      for (const ch of run.text ?? '') {
        if (!hidden(at)) line += ch;
        at++;
        size++;
      }
    }
    if (!hidden(pos)) lines.push(line);
    pos += size;
  }
  return lines.join('\n');
}

describe('history under random editing', () => {
  it('every diff between two snapshots, either way round, shows exactly the base and the target, and every restore reproduces its version', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = createRandom(seed);
      const peers = [1, 2, 3].map((client) => {
        const doc = new Y.Doc();
        doc.clientID = client * 1000 + seed;
        return doc;
      });
      const snapshots: Uint8Array[] = [];
      for (let step = 0; step < 120; step++) {
        randomEdit(random.pick(peers), random);
        if (random.chance(0.3)) {
          const [a, b] = [random.pick(peers), random.pick(peers)];
          Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
        }
        if (step % 15 === 14) {
          for (const a of peers) for (const b of peers) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
          snapshots.push(encodeState(peers[0]!));
        }
      }
      const texts = snapshots.map((s) => {
        const doc = decodeState(s);
        const text = docText(doc);
        doc.destroy();
        return text;
      });
      for (let i = 0; i < snapshots.length; i++) {
        for (let j = 0; j < snapshots.length; j++) {
          const diff = diffStates(snapshots[i]!, snapshots[j]!);
          expect(side(diff, 'added'), `seed ${seed}: base of ${i}→${j}`).toBe(texts[i]);
          expect(side(diff, 'removed'), `seed ${seed}: target of ${i}→${j}`).toBe(texts[j]);
        }
      }
      const live = peers[0]!;
      for (const [i, version] of snapshots.entries()) {
        restoreState(live, version);
        expect(docText(live), `seed ${seed}: restore ${i}`).toBe(texts[i]);
        for (const other of peers.slice(1)) Y.applyUpdate(other, Y.encodeStateAsUpdate(live));
        expect(docText(peers[1]!)).toBe(texts[i]);
      }
    }
  });
});
