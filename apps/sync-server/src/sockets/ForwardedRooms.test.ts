import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { ForwardedRooms } from './ForwardedRooms.js';
import type { TandemIo, TandemServerSocket } from './types.js';

/** A real Socket.IO server and clients: the rooms under test emit through them. */
interface World {
  io: TandemIo;
  rooms: ForwardedRooms;
  /** Connects a client; resolves with both ends once the server has it. */
  client(): Promise<{ server: TandemServerSocket; client: Socket; got: string[] }>;
}

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

async function world(): Promise<World> {
  const httpServer = http.createServer();
  const io = new Server(httpServer) as TandemIo;
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const clients: Socket[] = [];
  close = async () => {
    for (const c of clients) c.disconnect();
    await io.close();
  };
  return {
    io,
    rooms: new ForwardedRooms(io),
    async client() {
      const arrived = new Promise<TandemServerSocket>((resolve) => io.once('connection', resolve));
      const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
      clients.push(client);
      const got: string[] = [];
      client.on('doc-error', (error: { message: string }) => got.push(error.message));
      const server = await arrived;
      await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', () => resolve())));
      return { server, client, got };
    },
  };
}

/** A broadcast the test can recognise on arrival. */
function message(text: string): ['doc-error', { docId: string; code: 'NOT_JOINED'; message: string }] {
  return ['doc-error', { docId: 'd', code: 'NOT_JOINED', message: text }];
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

describe('ForwardedRooms', () => {
  it('holds broadcasts for a client whose join is unanswered, and gives them after the answer, in order', async () => {
    const w = await world();
    const ann = await w.client();
    w.rooms.joining('d', ann.server);
    w.rooms.deliver('d', null, message('one'));
    w.rooms.deliver('d', null, message('two'));
    await settle();
    expect(ann.got).toEqual([]);

    ann.server.emit('doc-error', message('the answer')[1]);
    w.rooms.joined('d', ann.server);
    w.rooms.deliver('d', null, message('three'));
    await settle();
    expect(ann.got).toEqual(['the answer', 'one', 'two', 'three']);
  });

  it('leaves out the sender, and anyone who left', async () => {
    const w = await world();
    const [ann, ben, cy] = [await w.client(), await w.client(), await w.client()];
    for (const c of [ann, ben, cy]) {
      w.rooms.joining('d', c.server);
      w.rooms.joined('d', c.server);
    }
    w.rooms.left('d', cy.server);
    w.rooms.deliver('d', ann.server.id, message('from Ann'));
    await settle();
    expect(ann.got).toEqual([]);
    expect(ben.got).toEqual(['from Ann']);
    expect(cy.got).toEqual([]);
  });

  it('starts a client over whose join waits behind far too many broadcasts', async () => {
    const w = await world();
    const ann = await w.client();
    const closed = new Promise<void>((resolve) => ann.client.once('disconnect', () => resolve()));
    w.rooms.joining('d', ann.server);
    for (let i = 0; i <= 256; i++) w.rooms.deliver('d', null, message(String(i)));
    await closed;
    expect(ann.got).toEqual([]);
  });
});
