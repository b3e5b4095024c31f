import { describe, expect, it } from 'vitest';
import type { CommentPerson, CommentThread } from '@tandem/crdt-bridge';
import { mentionablePeople } from './people.js';

const ana: CommentPerson = { id: 'ana', name: 'Ana', color: '#1971c2' };

function threadBy(...authors: CommentPerson[]): CommentThread {
  return {
    id: 't',
    anchor: { start: {}, end: {} },
    suggestion: null,
    quote: '',
    author: authors[0]!,
    createdAt: 1,
    status: 'open',
    statusBy: null,
    statusAt: null,
    messages: authors.map((author, i) => ({
      id: `m${i}`,
      author,
      text: 'x',
      mentions: [],
      createdAt: i,
      editedAt: null,
    })),
  };
}

describe('mentionablePeople', () => {
  it('offers writers and people present, once each, never oneself, by name', () => {
    const people = mentionablePeople(
      [
        { userId: 'browser-me', name: 'Me', color: '#000000', isSelf: true },
        { userId: 'browser-me', name: 'Me', color: '#000000', isSelf: false }, // my other tab
        { userId: 'browser-zoe', name: 'Zoe', color: '#AA0000', isSelf: false },
        // Ana is here with a browser id, and wrote as "ana" (a link's subject): offered once, as a writer.
        { userId: 'browser-ana', name: 'Ana', color: '#1971c2', isSelf: false },
        { userId: null, name: 'Nobody', color: '#000000', isSelf: false },
      ],
      [threadBy(ana, { id: 'me', name: 'Me', color: '#000000' }, ana)],
      'me',
    );
    expect(people).toEqual([ana, { id: 'browser-zoe', name: 'Zoe', color: '#aa0000' }]);
  });
});
