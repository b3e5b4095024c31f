// @ts-check
// y-socket.io 1.1.3 as its README sets it up (in memory, no LevelDB), bound to 127.0.0.1.
import http from 'node:http';
import { Server } from 'socket.io';
import { YSocketIO } from 'y-socket.io/dist/server';

const port = Number(process.env.PORT);
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
// Large enough for the cold-load documents (Socket.IO's default is 1 MB); everything else is default.
const io = new Server(server, { maxHttpBufferSize: 64 * 1024 * 1024 });
const ysocketio = new YSocketIO(io, { gcEnabled: true });
ysocketio.initialize();
server.listen(port, '127.0.0.1', () => console.log(`READY ${port}`));
process.on('SIGTERM', () => process.exit(0));
