import { io as connect, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import {
  PROTOCOL_VERSION,
  WIRE_PARSER,
  encodeUpdate,
  schema,
  yUpdateFromDoc,
  type AckResult,
  type Role,
} from '@tandem/crdt-bridge';
import { createThread, type CommentMessage, type CommentPerson } from '@tandem/crdt-bridge/comments';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { issueToken } from '../src/auth/tokens.js';
import type { TestServer } from './helpers.js';

/** The secret the comment-rule tests run the server with (token mode). */
export const SECRET = 'test-secret-test-secret-test-secret-0123';

/** A person as comments and suggestions name them: the token's user id, name and a colour. */
export function person(name: string): CommentPerson {
  return { id: name.toLowerCase(), name, color: '#3366cc' };
}

/** A message by `name`, at a fixed time. */
export function message(id: string, name: string, text: string, createdAt = 1_000): CommentMessage {
  return { id, author: person(name), text, mentions: [], createdAt, editedAt: null };
}

/** Suggestion-mark attributes for `name`'s suggestion `id`. */
export function suggestion(id: string, name: string) {
  const p = person(name);
  return { id, author: p.id, name: p.name, color: p.color };
}

/** A token for `name` (their id is the name in lower case) with `role` on `docId`. */
export function tokenFor(name: string, docId: string, role: Role): Promise<string> {
  return issueToken(SECRET, { id: name.toLowerCase(), name, roles: { [docId]: role } }, 3600);
}

/** The document the tests start from: one paragraph "Hello world", and a thread Olga opened. */
export function seedUpdate(): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(
    doc,
    yUpdateFromDoc(schema.node('doc', null, [schema.node('paragraph', null, schema.text('Hello world'))])),
  );
  createThread(doc, {
    id: 't1',
    anchor: null,
    suggestion: 's0',
    quote: 'Hello',
    message: message('m1', 'Olga', 'Is this right?'),
  });
  return Y.encodeStateAsUpdate(doc);
}

/** The first paragraph's text of a document. */
export function firstText(doc: Y.Doc): Y.XmlText {
  return (doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

/** A connection speaking the protocol by hand: it sends updates it builds itself. */
export interface HandClient {
  socket: Socket;
  /**
   * Copies the server's current document into a fresh Y.Doc, lets `change` edit it and
   * sends exactly what that changed as one update; resolves with the server's answer.
   */
  send(change: (doc: Y.Doc) => void): Promise<AckResult>;
}

/** Connects with `token`, joins `docId` and returns a client that sends hand-made updates. */
export async function handClient(ts: TestServer, docId: string, token: string): Promise<HandClient> {
  const socket = connect(ts.url, {
    transports: ['websocket'],
    parser: WIRE_PARSER,
    forceNew: true,
    reconnection: false,
    auth: { token },
  });
  const joined = await new Promise<AckResult>((resolve) =>
    socket.emit('join', { docId, protocol: PROTOCOL_VERSION }, resolve),
  );
  if (!joined.ok) throw new Error(`join refused: ${joined.error.code}`);
  return {
    socket,
    async send(change) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(ts.server.registry.get(docId)!.content()));
      const updates: Uint8Array[] = [];
      // Changes made with the origin 'unsent' stay out of what is sent (to send an update with a gap).
      doc.on('update', (u: Uint8Array, origin: unknown) => {
        if (origin !== 'unsent') updates.push(u);
      });
      change(doc);
      const update = Y.mergeUpdates(updates);
      return new Promise<AckResult>((resolve) => socket.emit('sync', docId, encodeUpdate(update), resolve));
    },
  };
}
