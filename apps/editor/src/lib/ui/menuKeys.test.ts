import { describe, expect, it } from 'vitest';
import { menuOpeningKey, onMenuKey, type MenuKeyActions } from './menuKeys.js';

/** A key event with just what the handler uses, recording what it did to the event. */
function press(key: string): KeyboardEvent & { prevented: boolean; stopped: boolean } {
  const event = {
    key,
    prevented: false,
    stopped: false,
    preventDefault() {
      event.prevented = true;
    },
    stopPropagation() {
      event.stopped = true;
    },
  };
  return event as unknown as KeyboardEvent & { prevented: boolean; stopped: boolean };
}

/** A menu of `count` items focused at `at`, recording what it was told to do. */
function menu(count: number, at: number, across = false): MenuKeyActions & { log: string[] } {
  const log: string[] = [];
  return {
    count,
    at,
    across,
    log,
    focus: (index) => log.push(`focus ${index}`),
    escape: () => log.push('escape'),
    tab: () => log.push('tab'),
  };
}

describe('onMenuKey', () => {
  it('moves with wrapping arrows, jumps with Home and End, and keeps the keys it handles', () => {
    const cases: [string, number, string][] = [
      ['ArrowDown', 1, 'focus 2'],
      ['ArrowDown', 3, 'focus 0'],
      ['ArrowUp', 0, 'focus 3'],
      ['Home', 2, 'focus 0'],
      ['End', 0, 'focus 3'],
      ['Escape', 1, 'escape'],
    ];
    for (const [key, at, expected] of cases) {
      const m = menu(4, at);
      const event = press(key);
      onMenuKey(event, m);
      expect(m.log, `${key} at ${at}`).toEqual([expected]);
      expect(event.prevented && event.stopped).toBe(true);
    }
  });

  it('lets Tab move focus on after closing, and leaves other keys alone', () => {
    const m = menu(3, 0);
    const tab = press('Tab');
    onMenuKey(tab, m);
    expect(m.log).toEqual(['tab']);
    expect(tab.prevented).toBe(false);
    const letter = press('a');
    onMenuKey(letter, m);
    expect(m.log).toEqual(['tab']);
    expect(letter.stopped).toBe(false);
  });

  it('moves with Left and Right only in a menu laid out in a row', () => {
    const column = menu(3, 0);
    onMenuKey(press('ArrowRight'), column);
    expect(column.log).toEqual([]);
    const row = menu(3, -1, true);
    onMenuKey(press('ArrowRight'), row);
    expect(row.log).toEqual(['focus 0']);
    const left = menu(3, 0, true);
    onMenuKey(press('ArrowLeft'), left);
    expect(left.log).toEqual(['focus 2']);
  });
});

describe('menuOpeningKey', () => {
  it('opens at the first item on Down, Enter and Space, at the last on Up', () => {
    expect(['ArrowDown', 'Enter', ' ', 'ArrowUp', 'x'].map((key) => menuOpeningKey(press(key)))).toEqual([
      'first',
      'first',
      'first',
      'last',
      null,
    ]);
  });
});
