import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { decodeWholeV1Update } from './v1Update.js';
import { schemaViolation } from './schemaGuard.js';

/**
 * What the server says about a client's update that adds one block, built by `build` by hand
 * as a hostile client would send it (no editor in between): null when it is accepted.
 */
function verdict(build: () => Y.XmlElement): string | null {
  const server = new Y.Doc();
  const client = new Y.Doc();
  client.getXmlFragment(CONTENT_FRAGMENT).insert(0, [build()]);
  const update = Y.encodeStateAsUpdate(client);
  return schemaViolation(server, decodeWholeV1Update(update).structs);
}

/** A paragraph holding "text" formatted with `format` (y-prosemirror keeps marks as text attributes). */
function formatted(format: Record<string, unknown>, attrs: Record<string, string> = {}): () => Y.XmlElement {
  return () => {
    const paragraph = new Y.XmlElement('paragraph');
    for (const [name, value] of Object.entries(attrs)) paragraph.setAttribute(name, value);
    const text = new Y.XmlText();
    text.insert(0, 'text', format);
    paragraph.insert(0, [text]);
    return paragraph;
  };
}

describe('the schema check on colours, highlights, alignment and code languages', () => {
  it('accepts the palette’s own names and the known alignments', () => {
    expect(verdict(formatted({ color: { color: 'red' } }))).toBeNull();
    expect(verdict(formatted({ highlight: { color: 'yellow' } }))).toBeNull();
    expect(verdict(formatted({}, { align: 'center' }))).toBeNull();
  });

  it('refuses a text colour written as CSS, not a palette name', () => {
    expect(verdict(formatted({ color: { color: '#ff0000' } }))).toMatch(/Invalid attributes for "color"/);
  });

  it('refuses a colour that smuggles in more CSS', () => {
    expect(verdict(formatted({ color: { color: 'red; background:url(x)' } }))).toMatch(/Invalid attributes/);
  });

  it('refuses a highlight with a name the palette does not have', () => {
    expect(verdict(formatted({ highlight: { color: 'chartreuse' } }))).toMatch(/Invalid attributes for "highlight"/);
    // A text colour name is not a highlight name either.
    expect(verdict(formatted({ highlight: { color: 'red' } }))).toMatch(/Invalid attributes for "highlight"/);
  });

  it('refuses a colour mark without its colour', () => {
    expect(verdict(formatted({ color: {} }))).not.toBeNull();
  });

  it('refuses an alignment the editor does not offer', () => {
    expect(verdict(formatted({}, { align: 'middle' }))).not.toBeNull();
  });

  it('refuses a code language with a space in it', () => {
    const block = (language: string) => () => {
      const code = new Y.XmlElement('code_block');
      code.setAttribute('language', language);
      code.insert(0, [new Y.XmlText('let x = 1;')]);
      return code;
    };
    expect(verdict(block('ts'))).toBeNull();
    expect(verdict(block('A B'))).not.toBeNull();
  });
});
