import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type AckResult } from '@tandem/crdt-bridge/protocol';
import { startTestServer, waitFor, type TestServer } from './helpers.js';

let ts: TestServer | null = null;

afterEach(async () => {
  await ts?.stop({ wipe: true });
  ts = null;
});

async function joinRaw(socket: Socket, docId: string): Promise<AckResult> {
  return (await socket.timeout(5_000).emitWithAck('join', { docId, protocol: PROTOCOL_VERSION })) as AckResult;
}

type Listener = (...args: unknown[]) => unknown;

/** The server side of a connection, down to the TCP socket (Engine.IO and ws internals). */
interface ServerSide {
  request: unknown;
  transport: {
    socket: { listeners(event: string): Listener[]; _socket: { listeners(event: string): Listener[] } };
  };
}

describe('an idle connection', () => {
  it('keeps neither its upgrade request nor Engine.IO’s upgrade-time listeners, and still works', async () => {
    ts = await startTestServer();
    const client = ts.rawSocket();
    expect(await joinRaw(client, 'idle')).toMatchObject({ ok: true });
    const [socket] = [...ts.server.io.sockets.sockets.values()];
    const side = socket!.conn as unknown as ServerSide;
    expect(side.request).toBeNull();
    const ws = side.transport.socket;
    expect(ws.listeners('error').map((listener) => listener.name)).not.toContain('onUpgradeError');
    expect(ws.listeners('error').length).toBeGreaterThan(0);
    expect(ws._socket.listeners('close').map(String)).not.toContain('() => this.emit("close")');
    // Its listener maps were rewritten: events still reach their handlers, and its close is noticed.
    expect(await client.timeout(5_000).emitWithAck('probe')).toEqual({ ok: true });
    client.disconnect();
    await waitFor(() => ts!.server.io.sockets.sockets.size === 0, 'the server forgets the connection');
    expect(ts.server.registry.get('idle')?.members.size ?? 0).toBe(0);
  });
});
