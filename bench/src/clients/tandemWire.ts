/**
 * Tandem's wire protocol spoken directly over `ws`: Engine.IO 4 framing and Socket.IO 5
 * packets in MessagePack (the bridge's `WIRE_PARSER`), without socket.io-client's
 * manager, reconnection and buffering layers. The load generator can then hold many more
 * clients per core, as it does for the `ws`-based peers, and a row measures the server
 * rather than the client library. Events are the bridge's typed event maps, so the bench
 * cannot drift from the protocol. The editor itself uses socket.io-client (the provider).
 */
import { WebSocket } from 'ws';
import { WIRE_PARSER, type ClientToServerEvents, type ServerToClientEvents } from '@tandem/crdt-bridge/protocol';

/** Socket.IO packet types (socket.io-protocol v5). */
const CONNECT = 0;
const EVENT = 2;
const ACK = 3;
const CONNECT_ERROR = 4;

interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

type Listener = (...args: unknown[]) => void;

/** One Socket.IO connection to the default namespace, as events and acknowledgements. */
export class TandemWire {
  private readonly ws: WebSocket;
  private readonly encoder = new WIRE_PARSER.Encoder();
  private readonly decoder = new WIRE_PARSER.Decoder();
  private readonly listeners = new Map<string, Listener[]>();
  private readonly acks = new Map<number, Listener>();
  private nextAckId = 0;
  /** Resolves once the server accepted the Socket.IO connection. */
  readonly connected: Promise<void>;

  constructor(port: number) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    this.connected = new Promise((resolve, reject) => {
      this.ws.once('error', reject);
      this.ws.once('close', () => reject(new Error('connection closed before Socket.IO connected')));
      this.decoder.on('decoded', (packet: Packet) => {
        if (packet.type === CONNECT) resolve();
        else if (packet.type === CONNECT_ERROR) reject(new Error(`refused: ${JSON.stringify(packet.data)}`));
        else this.onPacket(packet);
      });
    });
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return this.decoder.add(data);
      const text = data.toString();
      // Engine.IO: "0" open → ask for the namespace; "2" ping → "3" pong.
      if (text.startsWith('0')) this.send({ type: CONNECT, nsp: '/' });
      else if (text === '2') this.ws.send('3');
    });
  }

  /**
   * Listens to a server event. Binary arguments arrive as Node Buffers (Uint8Array
   * views); nothing here checks the other arguments' shapes, as the provider would.
   */
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener);
    this.listeners.set(event, list);
  }

  /** Emits an event; when the last argument is a function, it receives the server's acknowledgement. */
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): void {
    const last = args[args.length - 1];
    const packet: Packet = { type: EVENT, nsp: '/', data: [event, ...args] };
    if (typeof last === 'function') {
      packet.data = [event, ...args.slice(0, -1)];
      packet.id = this.nextAckId++;
      this.acks.set(packet.id, last as Listener);
    }
    this.send(packet);
  }

  /** Closes the connection. */
  close(): void {
    this.ws.close();
  }

  private send(packet: Packet): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // socket.io-msgpack-parser's typings say one ArrayBuffer; its encoder returns [Buffer] (one frame).
    const frames = this.encoder.encode(packet) as unknown as Buffer[];
    for (const frame of frames) this.ws.send(frame);
  }

  private onPacket(packet: Packet): void {
    const data = Array.isArray(packet.data) ? packet.data : [];
    if (packet.type === EVENT) {
      const [event, ...args] = data as [string, ...unknown[]];
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    } else if (packet.type === ACK && packet.id !== undefined) {
      const ack = this.acks.get(packet.id);
      this.acks.delete(packet.id);
      ack?.(...data);
    }
  }
}
