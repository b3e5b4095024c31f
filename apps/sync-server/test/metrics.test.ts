import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** The value of one unlabelled sample in Prometheus text format. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no sample ${name}`);
  return Number(line.split(' ')[1]);
}

describe('GET /metrics', () => {
  it('counts updates in and out, acknowledgement latency, commits, connections and documents', async () => {
    ts = await startTestServer();
    const a = ts.client().open('m');
    const b = ts.client().open('m');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    for (let i = 0; i < 5; i++) a.doc.getText('t').insert(0, 'x');
    await a.whenSaved();
    const res = await fetch(`${ts.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'tandem_updates_in_total')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'tandem_updates_out_total')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'tandem_ack_latency_seconds_count')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'tandem_sqlite_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tandem_connections')).toBe(2);
    expect(sample(text, 'tandem_documents_loaded')).toBe(1);
    expect(text).toContain('tandem_nodejs_eventloop_lag_seconds');
    expect(text).toContain('tandem_process_resident_memory_bytes');
  });

  it('needs a token in token mode', async () => {
    ts = await startTestServer({ authSecret: 'metrics-secret-metrics-secret-metrics-0' });
    expect((await fetch(`${ts.url}/metrics`)).status).toBe(401);
  });
});
