import { describe, expect, it } from 'vitest';
import { EndOfTurn } from './endOfTurn.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EndOfTurn', () => {
  it('runs nothing synchronously and everything once the turn ends', async () => {
    const turn = new EndOfTurn();
    const ran: string[] = [];
    turn.defer('network', () => ran.push('a'));
    turn.defer('network', () => ran.push('b'));
    expect(ran).toEqual([]);
    await nextTurn();
    expect(ran).toEqual(['a', 'b']);
  });

  it('sends before it commits, whichever was deferred first', async () => {
    const turn = new EndOfTurn();
    const ran: string[] = [];
    turn.defer('storage', () => ran.push('commit'));
    turn.defer('network', () => ran.push('send'));
    await nextTurn();
    expect(ran).toEqual(['send', 'commit']);
  });

  it('sends in the same turn what a commit produced', async () => {
    const turn = new EndOfTurn();
    const ran: string[] = [];
    turn.defer('storage', () => {
      ran.push('commit');
      turn.defer('network', () => ran.push('ack'));
    });
    await nextTurn();
    expect(ran).toEqual(['commit', 'ack']);
  });

  it('leaves a lane that keeps refilling itself to later turns instead of spinning', async () => {
    const turn = new EndOfTurn();
    let runs = 0;
    const again = (): void => {
      runs++;
      if (runs < 100) turn.defer('network', again);
    };
    turn.defer('network', again);
    await nextTurn();
    const afterOneTurn = runs;
    expect(afterOneTurn).toBeGreaterThan(0);
    expect(afterOneTurn).toBeLessThan(100);
    for (let i = 0; i < 100 && runs < 100; i++) await nextTurn();
    expect(runs).toBe(100);
  });
});
