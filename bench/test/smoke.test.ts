/**
 * Smoke test: the harness runs. One tiny latency and throughput measurement against Tandem
 * and the bare relay, through the same code `npm run bench` uses, then the report and chart.
 * Not a benchmark: it only checks that the numbers are sane.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readThreads } from '@tandem/crdt-bridge/comments';
import { DELETION_MARK, INSERTION_MARK, docFromY } from '@tandem/crdt-bridge/schema';
import { REMOTE, TandemConnection } from '../src/clients/index.js';
import { addReview } from '../src/clients/reviewer.js';
import { markdown, verdicts } from '../src/lib/report.js';
import { richDocument } from '../src/lib/richdoc.js';
import { latencyChart } from '../src/lib/svg.js';
import { BENCH_DIR, REPO_DIR } from '../src/lib/util.js';
import { alternate, type ScenarioResult } from '../src/scenarios/common.js';
import { latencyRep } from '../src/scenarios/latency.js';
import { throughputRep } from '../src/scenarios/throughput.js';
import { TANDEM_MAIN, startServer, tandemHealth, type ServerProcess } from '../src/servers/index.js';
import { distribution } from '../src/lib/stats.js';

describe('bench harness', () => {
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(TANDEM_MAIN))
      execFileSync(path.join(REPO_DIR, 'node_modules/.bin/tsc'), ['-b'], { cwd: REPO_DIR });
    servers.push(await startServer('tandem'), await startServer('relay'));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('measures keystroke latency and throughput on Tandem and the floor, and reports them', async () => {
    const samples = new Map<string, number[]>();
    const reps = await alternate(
      servers,
      1,
      async (server, _i, warmup) => {
        const out: number[] = [];
        const metrics = await latencyRep(
          server,
          {
            clientsPerDoc: 2,
            docs: 2,
            writersPerDoc: 1,
            keysPerSec: 10,
            awarenessHz: 10,
            warmupMs: 100,
            measureMs: warmup ? 200 : 600,
            drainMs: 1_000,
          },
          out,
        );
        if (!warmup) samples.set(server.kind, out);
        return metrics;
      },
      'smoke',
      { waitForQuiet: false },
    );
    for (const server of servers) {
      const [rep] = reps[server.kind]!;
      expect(rep!.samples).toBeGreaterThan(5);
      expect(rep!.lost).toBe(0);
      expect(rep!.p50).toBeGreaterThan(0);
      expect(rep!.p50).toBeLessThan(1_000);
      expect(rep!.srvCpu).toBeGreaterThanOrEqual(0);
      // /proc counts CPU in 10 ms ticks, so a short window may read 0; it must still be a number.
      expect(rep!.srvCpuPerKey).toBeGreaterThanOrEqual(0);

      const thr = await throughputRep(server, {
        docs: 1,
        clientsPerDoc: 3,
        writersPerDoc: 1,
        window: 16,
        warmupMs: 100,
        measureMs: 400,
      });
      expect(thr.deliveriesPerSec).toBeGreaterThan(100);
      expect(thr.lost).toBe(0);
    }

    const scenario: ScenarioResult = {
      id: 'latency-2',
      title: '1. Keystroke → remote apply, 2 clients/doc',
      description: 'smoke',
      config: {},
      servers: servers.map((s) => s.kind),
      metrics: [
        { key: 'p50', label: 'p50', unit: 'ms', better: 'lower', show: true, verdict: true },
        {
          key: 'srvCpuPerKey',
          label: 'server CPU per keystroke',
          unit: 'µs',
          better: 'lower',
          show: true,
          verdict: true,
        },
      ],
      reps,
      pooled: Object.fromEntries([...samples].map(([k, v]) => [k, distribution(v)])),
      notes: [],
    };
    const meta = {
      tier: 'smoke',
      startedAt: new Date().toISOString(),
      seconds: 1,
      node: process.version,
      cpus: '?',
      commit: '?',
      pinned: false,
      reps: 1,
      servers: scenario.servers,
      command: 'vitest',
    };
    const report = markdown(meta, [scenario], null);
    expect(report).toContain('## Verdict');
    expect(report).toMatch(/\d\.\d\d×/);
    expect(report).toContain('server CPU per keystroke (µs)');
    const [verdict] = verdicts([scenario]);
    expect(Number.isFinite(verdict!.ratios.relay)).toBe(true);
    expect(latencyChart([scenario], 'smoke')).toContain('<polyline');
  });

  it("adds scenario 7's review to the document through the server: 20 open threads, 20 suggestions", async () => {
    const tandem = servers[0]!;
    const doc = richDocument(100_000);
    const res = await fetch(`${tandem.url}/api/docs/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ markdown: doc.markdown, title: 'review smoke' }),
    });
    const { id } = (await res.json()) as { id: string };
    await addReview({ port: tandem.port, docId: id, threads: 20, suggestions: 20, avoid: [doc.middleParagraph] });
    // Read back by a fresh client: what the browser will be given.
    const reader = new Y.Doc();
    const connection = new TandemConnection(tandem.port);
    await connection.join(id, reader, { onUpdate: (update) => Y.applyUpdate(reader, update, REMOTE) });
    connection.close();
    expect(readThreads(reader).filter((t) => t.status === 'open')).toHaveLength(20);
    const suggestionIds = new Set<string>();
    docFromY(reader).descendants((node) => {
      for (const mark of node.marks)
        if (mark.type.name === INSERTION_MARK || mark.type.name === DELETION_MARK)
          suggestionIds.add(mark.attrs.id as string);
    });
    expect(suggestionIds.size).toBe(20);
  });

  // The browser scenario itself needs Chromium and takes half a minute: too heavy here. These
  // are its parts that need no browser.
  it("builds the browser scenario's document, parses its page probe, and judges p95 against 16 ms", () => {
    const doc = richDocument(100_000);
    expect(doc.chars).toBeGreaterThanOrEqual(100_000);
    expect(doc.chars).toBeLessThan(110_000);
    expect(richDocument(100_000).markdown).toBe(doc.markdown);
    for (const type of ['heading', 'paragraph', 'bullet_list', 'task_list', 'blockquote', 'code_block'])
      expect(doc.blockTypes[type], type).toBeGreaterThan(0);
    expect(doc.markdown).toMatch(/\*\*[a-z]/);
    expect(doc.markdown).toMatch(/\]\(https:/);
    expect(doc.neighbourParagraphs[0]).toBeLessThan(doc.middleParagraph);
    expect(doc.neighbourParagraphs[1]).toBeGreaterThan(doc.middleParagraph);
    // Room for the crowd row's five others, none of them in the measured user's paragraph.
    expect(new Set([...doc.neighbourParagraphs, ...doc.nearbyParagraphs]).size).toBeGreaterThanOrEqual(5);
    expect(doc.nearbyParagraphs).not.toContain(doc.middleParagraph);

    // Compiles (without running) the script the browser would run.
    const probe = fs.readFileSync(path.join(BENCH_DIR, 'src/scenarios/browser-probe.js'), 'utf8');
    expect(() => new Function(probe)).not.toThrow();

    const typing = (p95: number): ScenarioResult => ({
      id: 'browser-typing',
      title: '7b. Browser: keystroke → paint',
      description: 'smoke',
      config: {},
      servers: ['tandem'],
      metrics: [{ key: 'p95', label: 'key → paint p95', unit: 'ms', better: 'lower', verdict: true }],
      reps: { tandem: [{ p95 }] },
      notes: [],
    });
    expect(verdicts([typing(12)])[0]).toMatchObject({ target: '≤ 16 ms', pass: true });
    expect(verdicts([typing(21)])[0]).toMatchObject({ pass: false });
  });

  // The history scenario builds a 3 MB document (half a minute, once) and runs for a minute: too
  // heavy here. Its verdict is checked: a diff within a second, others' p99 within 20 ms.
  it("judges the history scenario's diff against 1 s and others' keystroke p99 against 20 ms", () => {
    const history = (id: string, key: string, value: number): ScenarioResult => ({
      id,
      title: id,
      description: 'smoke',
      config: {},
      servers: ['tandem'],
      metrics: [{ key, label: key, unit: 'ms', better: 'lower', verdict: true }],
      reps: { tandem: [{ [key]: value }] },
      notes: [],
    });
    expect(verdicts([history('history', 'diffMs', 800)])[0]).toMatchObject({ target: '≤ 1000 ms', pass: true });
    expect(verdicts([history('history', 'diffMs', 3_500)])[0]).toMatchObject({ pass: false });
    expect(verdicts([history('history-traffic', 'busyP99', 12)])[0]).toMatchObject({ target: '≤ 20 ms', pass: true });
    expect(verdicts([history('history-traffic', 'busyP99', 65)])[0]).toMatchObject({ pass: false });
  });
});

describe('tandem-before', () => {
  it('runs the sync server of the checkout $TANDEM_BEFORE names, and says so when it names none', async () => {
    const saved = process.env.TANDEM_BEFORE;
    try {
      delete process.env.TANDEM_BEFORE;
      await expect(startServer('tandem-before')).rejects.toThrow(/TANDEM_BEFORE/);
      process.env.TANDEM_BEFORE = path.join(REPO_DIR, 'no-such-checkout');
      await expect(startServer('tandem-before')).rejects.toThrow(/npm ci && npm run build/);
      // This checkout stands in for an earlier one: what matters is that it is started and answers.
      process.env.TANDEM_BEFORE = REPO_DIR;
      const server = await startServer('tandem-before');
      try {
        expect(await tandemHealth(server)).toMatchObject({ documentsLoaded: 0, connections: 0 });
      } finally {
        await server.stop();
      }
    } finally {
      if (saved === undefined) delete process.env.TANDEM_BEFORE;
      else process.env.TANDEM_BEFORE = saved;
    }
  });
});
