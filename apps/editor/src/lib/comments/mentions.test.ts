import { describe, expect, it } from 'vitest';
import { insertMention, matchPeople, mentionQuery, mentionsIn, messageParts } from './mentions.js';

const ana = { id: 'ana', name: 'Ana Lima', color: '#1971c2' };
const ben = { id: 'ben', name: 'Ben', color: '#2b8a3e' };
const bea = { id: 'bea', name: 'Beatrix Kiddo', color: '#c92a2a' };

describe('mentionQuery', () => {
  it('finds an @ at the start or after a space, up to the caret', () => {
    expect(mentionQuery('@An', 3)).toEqual({ start: 0, query: 'An' });
    expect(mentionQuery('hi @Ana Li', 10)).toEqual({ start: 3, query: 'Ana Li' });
    expect(mentionQuery('hi @', 4)).toEqual({ start: 3, query: '' });
  });

  it('ignores an @ inside a word (an email address), across a line break, or after three words', () => {
    expect(mentionQuery('mail ana@example', 16)).toBeNull();
    expect(mentionQuery('@Ana\nthen', 9)).toBeNull();
    expect(mentionQuery('@one two three', 14)).toBeNull();
    expect(mentionQuery('no at sign', 10)).toBeNull();
  });
});

describe('matchPeople', () => {
  it('matches the start of any word of a name, whole-name matches first', () => {
    expect(matchPeople([ana, ben, bea], 'b').map((p) => p.id)).toEqual(['bea', 'ben']);
    expect(matchPeople([ana, ben, bea], 'lim').map((p) => p.id)).toEqual(['ana']);
    expect(matchPeople([ana, ben, bea], 'kid').map((p) => p.id)).toEqual(['bea']);
    expect(matchPeople([ana, ben], '').map((p) => p.id)).toEqual(['ana', 'ben']);
    expect(matchPeople([ana, ben], 'zed')).toEqual([]);
  });
});

describe('insertMention', () => {
  it('replaces what was typed after @ with the name and a space, keeping the rest', () => {
    const text = 'ask @an about it';
    const result = insertMention(text, { start: 4, query: 'an' }, 7, ana);
    expect(result.text).toBe('ask @Ana Lima about it');
    expect(result.caret).toBe('ask @Ana Lima '.length);
    expect(insertMention('@b', { start: 0, query: 'b' }, 2, ben)).toEqual({ text: '@Ben ', caret: 5 });
  });
});

describe('mentionsIn', () => {
  it('keeps the chosen people still named in the text, once each', () => {
    expect(mentionsIn('thanks @Ana Lima and @Ben', [ana, ben, ana])).toEqual([ana, ben]);
    expect(mentionsIn('thanks @Ana Lima', [ana, ben])).toEqual([ana]);
    expect(mentionsIn('no one', [ana])).toEqual([]);
  });
});

describe('messageParts', () => {
  it('splits out mentions of people the message records, and nothing else', () => {
    expect(messageParts('hi @Ana Lima and @Zed!', [ana])).toEqual([
      { text: 'hi ', mention: null },
      { text: '@Ana Lima', mention: ana },
      { text: ' and @Zed!', mention: null },
    ]);
    expect(messageParts('plain', [])).toEqual([{ text: 'plain', mention: null }]);
  });

  it('prefers the longer of two names sharing a start', () => {
    const bea2 = { id: 'b2', name: 'Bea', color: '#000000' };
    const long = { id: 'b3', name: 'Bea Smith', color: '#000000' };
    expect(messageParts('@Bea Smith', [bea2, long])).toEqual([{ text: '@Bea Smith', mention: long }]);
  });
});
