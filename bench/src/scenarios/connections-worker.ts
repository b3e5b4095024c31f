/**
 * Child process for scenario 4: holds many idle connections (the bench process's own
 * open-files limit would not allow 20,000). Driven over IPC by connections.ts.
 */
import { joinDoc, type BenchClient } from '../clients/index.js';
import { mapLimit } from '../lib/util.js';
import type { ServerKind } from '../servers/index.js';

interface OpenCommand {
  type: 'open';
  kind: ServerKind;
  port: number;
  count: number;
  docs: number;
  docPrefix: string;
}

const clients: BenchClient[] = [];

process.on('message', (message: OpenCommand | { type: 'close' }) => {
  if (message.type === 'close') {
    for (const client of clients) client.close();
    setTimeout(() => process.exit(0), 200);
    return;
  }
  const started = performance.now();
  let failed = 0;
  let firstError = '';
  void mapLimit(
    Array.from({ length: message.count }, (_, i) => i),
    64,
    async (i) => {
      try {
        clients.push(
          await joinDoc(message.kind, {
            port: message.port,
            docId: `${message.docPrefix}-${i % message.docs}`,
            doc: null,
            timeoutMs: 60_000,
          }),
        );
      } catch (err) {
        failed++;
        firstError ||= String(err);
      }
    },
  ).then(() => {
    process.send?.({ type: 'opened', opened: clients.length, failed, firstError, ms: performance.now() - started });
  });
});
process.send?.({ type: 'ready' });
