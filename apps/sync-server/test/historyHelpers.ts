import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, docText, type DocSession, type TandemClient, type VersionJSON } from '@tandem/crdt-bridge';
import type { TestServer } from './helpers.js';

/** Someone with a document open, named through presence as Tandem's editor names people. */
export interface Person {
  name: string;
  doc: Y.Doc;
  awareness: Awareness;
  client: TandemClient;
  session: DocSession;
}

/** Opens `docId` as `name` (presence `user: { name, color }`) and waits for the first sync. */
export async function person(ts: TestServer, docId: string, name: string, color = '#1971c2'): Promise<Person> {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalStateField('user', { name, color });
  const client = ts.client();
  const session = client.open(docId, { doc, awareness });
  await session.whenSynced();
  return { name, doc, awareness, client, session };
}

/** The document body, the fragment the editor binds. */
export function body(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(CONTENT_FRAGMENT);
}

/** Adds a paragraph at the end, as pressing Enter and typing would. */
export function addParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  body(doc).push([paragraph]);
}

/** The text of top-level paragraph `block` (created empty if it has none yet). */
export function paragraphText(doc: Y.Doc, block: number): Y.XmlText {
  const paragraph = body(doc).get(block) as Y.XmlElement;
  if (paragraph.length === 0) paragraph.insert(0, [new Y.XmlText()]);
  return paragraph.get(0) as Y.XmlText;
}

/** Types `text` at the end of paragraph `block`. */
export function typeAtEnd(doc: Y.Doc, block: number, text: string): void {
  const t = paragraphText(doc, block);
  t.insert(t.length, text);
}

/** Plain text of a document, one line per paragraph. */
export function textOf(doc: Y.Doc): string {
  return docText(doc);
}

/** A fetch against the test server that returns status and parsed JSON body. */
export async function call<T = Record<string, unknown>>(
  ts: TestServer,
  path: string,
  init: { method?: string; body?: unknown; raw?: string } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${ts.url}${path}`, {
    method: init.method ?? 'GET',
    ...(init.raw !== undefined
      ? { body: init.raw }
      : init.body !== undefined
        ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
        : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Markdown and HTML answers stay text.
  }
  return { status: res.status, body: parsed as T };
}

/** A version as the API lists it. */
export type VersionJson = VersionJSON;

/** The versions of a document, newest first. */
export async function listVersions(ts: TestServer, docId: string): Promise<VersionJson[]> {
  const { status, body } = await call<{ versions: VersionJson[] }>(ts, `/api/docs/${docId}/versions`);
  if (status !== 200) throw new Error(`listing versions answered ${status}`);
  return body.versions;
}

/** Names the current state of a document. */
export async function nameVersion(ts: TestServer, docId: string, name: string): Promise<VersionJson> {
  const { status, body } = await call<VersionJson>(ts, `/api/docs/${docId}/versions`, {
    method: 'POST',
    body: { name },
  });
  if (status !== 201) throw new Error(`naming a version answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** The text a version holds. */
export async function versionText(ts: TestServer, docId: string, id: number): Promise<string> {
  const { body } = await call<{ text: string }>(ts, `/api/docs/${docId}/versions/${id}`);
  return body.text;
}

/** Polls a document's versions until `predicate` holds; rejects after `timeoutMs`. */
export async function versionsWhen(
  ts: TestServer,
  docId: string,
  predicate: (versions: VersionJson[]) => boolean,
  message: string,
  timeoutMs = 5_000,
): Promise<VersionJson[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const versions = await listVersions(ts, docId);
    if (predicate(versions)) return versions;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${message}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
