import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { decodeWholeV1Update } from './v1Update.js';
import { schemaViolation } from './schemaGuard.js';

const GOOD_ID = 'a'.repeat(64);

/** What the guard says of an update, made by hand, that adds an image element with `attrs` to an empty document. */
function verdictOn(attrs: Record<string, unknown>): string | null {
  const client = new Y.Doc();
  const image = new Y.XmlElement('image');
  // Yjs keeps attribute values as they are given: a number stays a number, a string a string.
  for (const [name, value] of Object.entries(attrs)) image.setAttribute(name, value as string);
  client.getXmlFragment(CONTENT_FRAGMENT).insert(0, [image]);
  const update = Y.encodeStateAsUpdate(client);
  return schemaViolation(new Y.Doc(), decodeWholeV1Update(update).structs);
}

describe('the schema check on images', () => {
  it('accepts an image of this server: a content id, alt text, caption and a width in range', () => {
    expect(verdictOn({ id: GOOD_ID })).toBeNull();
    expect(verdictOn({ id: GOOD_ID, alt: 'A sun', caption: 'Noon', width: 300 })).toBeNull();
  });

  it('refuses an id that is not 64 lowercase hex digits, or none', () => {
    expect(verdictOn({ id: 'https://elsewhere.example/x.png' })).not.toBeNull();
    expect(verdictOn({ id: 'A'.repeat(64) })).not.toBeNull();
    expect(verdictOn({ id: 'a'.repeat(63) })).not.toBeNull();
    expect(verdictOn({ alt: 'no id' })).toBe('"image" needs "id".');
  });

  it('refuses a width out of range or not a number', () => {
    expect(verdictOn({ id: GOOD_ID, width: 5 })).not.toBeNull();
    expect(verdictOn({ id: GOOD_ID, width: 4001 })).not.toBeNull();
    expect(verdictOn({ id: GOOD_ID, width: '300' })).not.toBeNull();
    expect(verdictOn({ id: GOOD_ID, width: 300.5 })).not.toBeNull();
  });

  it('refuses attributes the schema does not have, such as a src pointing anywhere', () => {
    expect(verdictOn({ id: GOOD_ID, src: 'https://elsewhere.example/track.png' })).not.toBeNull();
    expect(verdictOn({ id: GOOD_ID, onerror: 'alert(1)' })).not.toBeNull();
  });
});
