import type { Outgoing } from '../rooms/audience.js';
import { binaryFrame, sendFrameDirectly } from './outgoingBatching.js';
import type { TandemIo } from './types.js';

/** socket.io-parser's `PacketType.EVENT` (not a dependency of its own here). */
const EVENT_PACKET = 2;

/** What socket.io-adapter hands Engine.IO with a broadcast's packet; Engine.IO's typings know only `compress`. */
type BroadcastOptions = { preEncoded: true; wsPreEncodedFrame: Buffer[] | undefined };

/**
 * Sends `message` to every socket in Socket.IO room `room` of the main namespace but
 * `exceptId`: what Socket.IO's broadcast operator and in-memory adapter do (encode once,
 * frame once), without them, and each frame written straight to the member's WebSocket
 * when nothing of that connection waits in Engine.IO (see {@link sendFrameDirectly}).
 * A keystroke's relay was the largest share of the socket layer's CPU per keystroke.
 */
export function relayToRoom(io: TandemIo, room: string, exceptId: string | undefined, message: Outgoing): void {
  const nsp = io.sockets;
  const ids = nsp.adapter.rooms.get(room);
  if (!ids || ids.size === 0 || (ids.size === 1 && exceptId !== undefined && ids.has(exceptId))) return;
  const encoded: unknown = io.encoder.encode({ type: EVENT_PACKET, data: message, nsp: nsp.name });
  const packets = (Array.isArray(encoded) ? encoded : [encoded]) as (string | Buffer)[];
  const [only] = packets;
  const frame = packets.length === 1 && Buffer.isBuffer(only) ? binaryFrame(only) : undefined;
  const options: BroadcastOptions = { preEncoded: true, wsPreEncodedFrame: frame };
  for (const id of ids) {
    if (id === exceptId) continue;
    const socket = nsp.sockets.get(id);
    if (!socket) continue;
    if (frame && sendFrameDirectly(socket.conn, frame)) continue;
    for (const packet of packets) socket.conn.write(packet, options as { compress?: boolean });
  }
}
