import { describe, expect, it } from 'vitest';
import { effectiveMode, modeRights } from './editMode.js';

describe('who may edit and who may suggest', () => {
  it('keeps a commenter in Suggesting mode whatever they chose', () => {
    expect(effectiveMode('commenter', 'editing')).toBe('suggesting');
    expect(modeRights('commenter')).toEqual({ maySuggest: true, mayEdit: false });
  });

  it('lets editors and owners choose', () => {
    for (const role of ['editor', 'owner'] as const) {
      expect(effectiveMode(role, 'editing')).toBe('editing');
      expect(effectiveMode(role, 'suggesting')).toBe('suggesting');
    }
  });

  it('gives a viewer neither', () => {
    expect(modeRights('viewer')).toEqual({ maySuggest: false, mayEdit: false });
  });
});
