import { describe, expect, it } from 'vitest';
import { initials } from './initials.js';

describe('initials', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initials('Curious Otter')).toBe('CO');
    expect(initials('Ana María de la Cruz')).toBe('AC');
  });

  it('skips punctuation and a note in brackets', () => {
    expect(initials('A. B. (PM)')).toBe('AB');
    expect(initials('"Ben" Ortiz')).toBe('BO');
    expect(initials('Jean-Luc Picard [away]')).toBe('JP');
    expect(initials('- Ana -')).toBe('AN');
  });

  it('uses the first two letters of a single word', () => {
    expect(initials('ana')).toBe('AN');
    expect(initials('Q')).toBe('Q');
  });

  it('keeps digits and letters of any script, with their accents', () => {
    expect(initials('Team 42')).toBe('T4');
    expect(initials('Élodie Ümit')).toBe('ÉÜ');
    expect(initials('E\u0301lodie')).toBe('E\u0301L');
    expect(initials('李小龙')).toBe('李小');
  });

  it('falls back to what is in brackets, then to a question mark', () => {
    expect(initials('(PM)')).toBe('PM');
    expect(initials('... !!')).toBe('?');
    expect(initials('   ')).toBe('?');
  });
});
