// @ts-check
// @hocuspocus/server 3.4 with no extensions (in memory, no persistence), bound to 127.0.0.1.
import { Server } from '@hocuspocus/server';

const port = Number(process.env.PORT);
const server = new Server({ port, quiet: true, stopOnSignals: false });
// Server.listen() passes { address } which Node ignores (it would bind every interface); bind loopback only.
server.httpServer.listen(port, '127.0.0.1', () => console.log(`READY ${port}`));
process.on('SIGTERM', () => process.exit(0));
