import { describe, expect, it } from 'vitest';
import type { CommentThread } from '@tandem/crdt-bridge';
import { filterThreads, inDocumentOrder, textDeleted, type PlacedThread } from './order.js';

const person = { id: 'p', name: 'P', color: '#000000' };

function placed(
  id: string,
  range: { from: number; to: number } | null,
  createdAt = 1,
  status: 'open' | 'resolved' = 'open',
): PlacedThread {
  const thread: CommentThread = {
    id,
    anchor: { start: {}, end: {} },
    suggestion: null,
    quote: id,
    author: person,
    createdAt,
    status,
    statusBy: null,
    statusAt: null,
    messages: [],
  };
  return { thread, range };
}

describe('inDocumentOrder', () => {
  it('orders by where the text starts, then age; unplaceable threads last', () => {
    const order = inDocumentOrder([
      placed('late', { from: 40, to: 50 }),
      placed('nowhere', null),
      placed('first', { from: 2, to: 9 }),
      placed('same-newer', { from: 20, to: 25 }, 5),
      placed('same-older', { from: 20, to: 30 }, 3),
    ]).map((p) => p.thread.id);
    expect(order).toEqual(['first', 'same-older', 'same-newer', 'late', 'nowhere']);
  });
});

describe('textDeleted', () => {
  it('is true when the anchor’s ends have met or cannot be placed', () => {
    expect(textDeleted(placed('a', { from: 5, to: 5 }))).toBe(true);
    expect(textDeleted(placed('a', null))).toBe(true);
    expect(textDeleted(placed('a', { from: 5, to: 9 }))).toBe(false);
  });
});

describe('filterThreads', () => {
  it('keeps open, resolved or all', () => {
    const items = [placed('o', null, 1, 'open'), placed('r', null, 1, 'resolved')];
    expect(filterThreads(items, 'open').map((p) => p.thread.id)).toEqual(['o']);
    expect(filterThreads(items, 'resolved').map((p) => p.thread.id)).toEqual(['r']);
    expect(filterThreads(items, 'all')).toHaveLength(2);
  });
});
