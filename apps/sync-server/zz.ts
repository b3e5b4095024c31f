import * as Y from 'yjs';
import { io } from 'socket.io-client';
import { CONTENT_FRAGMENT, PROTOCOL_VERSION, WIRE_PARSER, encodeUpdate } from '@tandem/crdt-bridge';
const url = process.argv[2];
function upd(count: number) {
  const doc = new Y.Doc();
  doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, Array.from({ length: count }, (_, i) => { const p = new Y.XmlElement('paragraph'); p.insert(0, [new Y.XmlText(`Paragraph ${i}, pasted from a long report, as people do.`)]); return p; }));
  return Y.encodeStateAsUpdate(doc);
}
const socket = io(url, { transports: ['websocket'], parser: WIRE_PARSER, forceNew: true });
for (let i = 0; i < 4; i++) {
  const id = 'p' + Date.now() + i;
  await socket.emitWithAck('join', { docId: id, protocol: PROTOCOL_VERSION });
  const u = upd(5000);
  const t = performance.now();
  const r = await socket.emitWithAck('sync', id, encodeUpdate(u));
  console.log(i, JSON.stringify(r), (performance.now() - t).toFixed(0), 'ms', u.byteLength);
}
socket.disconnect();
