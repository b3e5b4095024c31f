// @ts-check
// The floor for Tandem's transport (diagnostic, scenario 4 only): Socket.IO configured as Tandem
// configures it (MessagePack wire parser, no connection-state recovery, websocket upgrades) that
// answers Tandem's join and sync step 1 for an always-empty document, and keeps nothing else: what
// one idle connection costs in Engine.IO, Socket.IO, ws and Node's net with none of Tandem's code.
import http from 'node:http';
import { Server } from 'socket.io';
import {
  WIRE_PARSER,
  decodeSyncMessage,
  encodeStep1FromStateVector,
  encodeStep2FromUpdate,
} from '@tandem/crdt-bridge/protocol';

const port = Number(process.env.PORT);
const EMPTY_UPDATE = new Uint8Array([0, 0]);
const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
const io = new Server(server, { serveClient: false, parser: WIRE_PARSER, maxHttpBufferSize: 64 * 1024 * 1024 });
io.on('connection', (socket) => {
  socket.on('join', (request, ack) => {
    socket.join(`doc:${request?.docId}`);
    ack({ ok: true, role: 'owner' });
  });
  socket.on('sync', (docId, payload, ack) => {
    const message = decodeSyncMessage(new Uint8Array(payload));
    if (message.type === 'step1') {
      socket.emit('sync', docId, encodeStep2FromUpdate(EMPTY_UPDATE));
      socket.emit('sync', docId, encodeStep1FromStateVector(EMPTY_STATE_VECTOR));
    } else socket.to(`doc:${docId}`).emit('sync', docId, payload);
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('awareness', (docId, payload) => socket.to(`doc:${docId}`).emit('awareness', docId, payload));
});
server.listen(port, '127.0.0.1', () => console.log(`READY ${port}`));
process.on('SIGTERM', () => process.exit(0));
