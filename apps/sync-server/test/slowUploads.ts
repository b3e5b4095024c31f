/** Stalled uploads, from a process of their own (as they would come), for the request-limit and stall tests. */

/**
 * A process (arguments: port P, count N, milliseconds M, spacing S) that opens N
 * connections to port P, S ms apart (0: all at once), each starting a 2 MB import and
 * sending 1.9 MB of it, then stalling; M ms after the last one opened it prints how many
 * got each status and exits. A connection reset before its status line was read counts as
 * "reset": a server that closes a connection with unread data resets it, and the reset can
 * overtake the answer it had sent.
 */
export const SLOW_UPLOADER = `
import net from 'node:net';
const [port, count, holdMs, spacingMs] = process.argv.slice(-4).map(Number);
const body = Buffer.alloc(1_900_000, 'a');
const statuses = {};
const open = () => {
  const socket = net.connect(port, '127.0.0.1');
  let head = '';
  socket.setEncoding('latin1');
  let counted = false;
  const count = (what) => { if (!counted) { counted = true; statuses[what] = (statuses[what] ?? 0) + 1; } };
  socket.on('error', () => count('reset'));
  socket.on('data', (chunk) => {
    if (counted) return;
    head += chunk;
    if (head.length > 12) count(head.split(' ')[1]);
  });
  socket.write('POST /api/docs/import HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: 2000000\\r\\n\\r\\n');
  socket.write(body);
};
for (let i = 0; i < count; i++) {
  if (spacingMs > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
  open();
}
setTimeout(() => { process.stdout.write(JSON.stringify(statuses)); process.exit(0); }, holdMs);
`;
