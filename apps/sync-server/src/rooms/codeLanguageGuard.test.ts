import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { decodeWholeV1Update } from './v1Update.js';
import { schemaViolation } from './schemaGuard.js';

// A code block's language reaches every editor (as data-language, a class and the label in
// its corner) and every Markdown export (after the fence): only short lowercase names pass.

/** What the server says of a client's update adding a code block whose language is set to `language`. */
function checkCodeBlock(language: unknown): string | null {
  const server = new Y.Doc();
  const client = new Y.Doc();
  client.transact(() => {
    const block = new Y.XmlElement('code_block');
    // y-prosemirror stores attributes as they are; a hostile client may send any value.
    (block as unknown as { setAttribute(name: string, value: unknown): void }).setAttribute('language', language);
    block.insert(0, [new Y.XmlText('let a = 1;')]);
    client.getXmlFragment(CONTENT_FRAGMENT).insert(0, [block]);
  });
  return schemaViolation(server, decodeWholeV1Update(Y.encodeStateAsUpdate(client)).structs);
}

describe('a code block’s language, as the server checks it', () => {
  it('takes a short lowercase name, as import and export write it, and no language at all', () => {
    for (const language of ['ts', 'c++', 'c#', 'objective-c', 'html', null])
      expect(checkCodeBlock(language)).toBeNull();
  });

  it('refuses capitals, markup, spaces, fence text, overlong names and values that are not text', () => {
    for (const language of [
      'Python',
      '<script>',
      'js {1,3}',
      '```',
      'a'.repeat(31),
      '',
      ' ts',
      42,
      { name: 'ts' },
      ['ts'],
    ]) {
      expect(checkCodeBlock(language), JSON.stringify(language)).toBe('Invalid value for "code_block.language".');
    }
  });
});
