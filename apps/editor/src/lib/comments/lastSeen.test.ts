import { describe, expect, it } from 'vitest';
import type { CommentMessage, CommentPerson, CommentThread } from '@tandem/crdt-bridge';
import { isNew, lastSeenKey, loadSeen, markSeen, saveSeen } from './lastSeen.js';

const me: CommentPerson = { id: 'me', name: 'Me', color: '#000000' };
const other: CommentPerson = { id: 'other', name: 'Other', color: '#ffffff' };

function message(id: string, author: CommentPerson, createdAt: number, editedAt: number | null = null): CommentMessage {
  return { id, author, text: 'x', mentions: [], createdAt, editedAt };
}

function thread(messages: CommentMessage[], more: Partial<CommentThread> = {}): CommentThread {
  return {
    id: 't1',
    anchor: { start: {}, end: {} },
    suggestion: null,
    quote: 'q',
    author: messages[0]!.author,
    createdAt: messages[0]!.createdAt,
    status: 'open',
    statusBy: null,
    statusAt: null,
    messages,
    ...more,
  };
}

/** A Storage stand-in: a plain map (the code under test only reads and writes strings). */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('isNew', () => {
  it('is new when someone else wrote after what this browser saw, not for one’s own messages', () => {
    expect(isNew(thread([message('a', other, 100)]), {}, me.id)).toBe(true);
    expect(isNew(thread([message('a', me, 100)]), {}, me.id)).toBe(false);
    expect(isNew(thread([message('a', other, 100)]), { t1: 100 }, me.id)).toBe(false);
    expect(isNew(thread([message('a', other, 100), message('b', other, 200)]), { t1: 100 }, me.id)).toBe(true);
  });

  it('counts an edit and a resolve by someone else as news', () => {
    expect(isNew(thread([message('a', other, 100, 300)]), { t1: 200 }, me.id)).toBe(true);
    const resolved = thread([message('a', me, 100)], { status: 'resolved', statusBy: other, statusAt: 400 });
    expect(isNew(resolved, { t1: 100 }, me.id)).toBe(true);
  });
});

describe('markSeen', () => {
  it('records the newest activity, and returns the same object when nothing changed', () => {
    const t = thread([message('a', other, 100), message('b', me, 250)]);
    const seen = markSeen({}, [t]);
    expect(seen).toEqual({ t1: 250 });
    expect(isNew(t, seen, me.id)).toBe(false);
    expect(markSeen(seen, [t])).toBe(seen);
  });
});

describe('loadSeen / saveSeen', () => {
  it('round-trips per document, and reads garbage as nothing seen', () => {
    const storage = memoryStorage();
    saveSeen(storage, 'doc-a', { t1: 5 });
    expect(loadSeen(storage, 'doc-a')).toEqual({ t1: 5 });
    expect(loadSeen(storage, 'doc-b')).toEqual({});
    storage.data.set(lastSeenKey('doc-c'), '{not json');
    expect(loadSeen(storage, 'doc-c')).toEqual({});
    storage.data.set(lastSeenKey('doc-d'), '{"t1":"soon","t2":7}');
    expect(loadSeen(storage, 'doc-d')).toEqual({ t2: 7 });
  });
});
