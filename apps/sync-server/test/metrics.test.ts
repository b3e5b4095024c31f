import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '@tandem/crdt-bridge';
import { issueToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
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
    // Edited, so applied in memory (a document only read is served from its stored row).
    expect(sample(text, 'tandem_documents_applied')).toBe(1);
    expect(text).toContain('tandem_nodejs_eventloop_lag_seconds');
    expect(text).toContain('tandem_process_resident_memory_bytes');
  });

  it('in token mode, needs a token that owns every document, or the METRICS_TOKEN', async () => {
    const secret = 'metrics-secret-metrics-secret-metrics-0';
    const metricsToken = 'scrape-scrape-scrape-0123';
    ts = await startTestServer({ authSecret: secret, metricsToken });
    const token = (roles: Record<string, Role>) => issueToken(secret, { id: 'p', name: 'P', roles }, 600);
    const scrape = async (bearer?: string) =>
      (await fetch(`${ts.url}/metrics`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {})).status;
    expect(await scrape()).toBe(401);
    expect(await scrape(await token({ notes: 'viewer' }))).toBe(403);
    expect(await scrape(await token({ notes: 'owner' }))).toBe(403);
    expect(await scrape(await token({ '*': 'editor' }))).toBe(403);
    expect(await scrape(await token({ '*': 'owner' }))).toBe(200);
    expect(await scrape(metricsToken)).toBe(200);
    expect(await scrape(`${metricsToken}x`)).toBe(401);
    const refused = await fetch(`${ts.url}/metrics`, {
      headers: { authorization: `Bearer ${await token({ notes: 'viewer' })}` },
    });
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/METRICS_TOKEN/);
  });

  it('in open mode, is open unless a METRICS_TOKEN is set', async () => {
    ts = await startTestServer({ metricsToken: 'scrape-scrape-scrape-0123' });
    expect((await fetch(`${ts.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${ts.url}/metrics`, { headers: { authorization: 'Bearer scrape-scrape-scrape-0123' } });
    expect(ok.status).toBe(200);
  });

  it('refuses a METRICS_TOKEN short enough to guess, naming the variable', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'letmein' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-secret' }).metricsToken).toBe('a-long-enough-secret');
  });
});
