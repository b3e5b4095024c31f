import { describe, expect, it } from 'vitest';
import { groupPeers, type Peer } from './peerGroups.js';

function peer(clientId: number, userId: string | null, name: string, more: Partial<Peer> = {}): Peer {
  return { clientId, userId, name, color: '#1971c2', isSelf: false, typing: false, hasCursor: false, ...more };
}

describe('groupPeers', () => {
  it('shows a person with two tabs once, keeping both clients', () => {
    const people = groupPeers([
      peer(1, 'me', 'Ana', { isSelf: true }),
      peer(7, 'ben', 'Ben'),
      peer(9, 'ben', 'Ben', { hasCursor: true, typing: true }),
    ]);
    expect(people.map((p) => [p.name, p.clientIds])).toEqual([
      ['Ana', [1]],
      ['Ben', [9, 7]],
    ]);
    // Following Ben follows the tab where his caret is, and he types if either tab does.
    expect(people[1]).toMatchObject({ clientId: 9, typing: true, isSelf: false });
  });

  it('counts one’s own other tab as oneself, standing for this tab', () => {
    const people = groupPeers([peer(3, 'me', 'Ana', { hasCursor: true }), peer(1, 'me', 'Ana', { isSelf: true })]);
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ isSelf: true, clientId: 1, clientIds: [1, 3] });
  });

  it('keeps clients without an id apart, and different ids apart even under one name', () => {
    const people = groupPeers([peer(1, null, 'Ana'), peer(2, null, 'Ana'), peer(3, 'x', 'Ana'), peer(4, 'y', 'Ana')]);
    expect(people.map((p) => p.clientIds)).toEqual([[1], [2], [3], [4]]);
  });
});
