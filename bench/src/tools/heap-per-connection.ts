/**
 * Where each idle connection's bytes go: starts one server, opens idle connections in steps
 * (as scenario 4 does: each joined to one of 100 documents), and at every step records the
 * server's RSS, its V8 heap and external memory (Tandem's /metrics) and a heap snapshot
 * (`--heapsnapshot-signal`). Between consecutive steps it divides the growth of each
 * constructor's self size by the connections added: the marginal bytes per connection,
 * by constructor, with the rooms and everything fixed already paid for.
 *
 *   node --max-old-space-size=8000 --import tsx bench/src/tools/heap-per-connection.ts \
 *     [--server tandem] [--steps 1000,5000] [--top 40] [--keep] [--no-snapshot] [--node-flags '…']
 *
 * Writes `bench/results/heap-<stamp>/summary.md` (and the snapshots with `--keep`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { request, startWorker } from '../scenarios/connections.js';
import { freshDocId } from '../scenarios/common.js';
import { parseScrape } from '../lib/prometheus.js';
import { BENCH_DIR, sleep } from '../lib/util.js';
import { SERVER_KINDS, startServer, tandemMetrics, type ServerKind, type ServerProcess } from '../servers/index.js';

interface Step {
  connections: number;
  rssBytes: number;
  /** From Tandem's /metrics (NaN for other servers). */
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Committed size of each V8 heap space (new, old, code, large_object, …), from /metrics. */
  spaces: Map<string, number>;
  /** Self size and count per "type:name" from the snapshot (live objects only: a snapshot collects first). */
  byConstructor: Map<string, { size: number; count: number }>;
  liveHeapBytes: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per constructor (objects), function name (closures) or node type (the rest). */
export function summariseSnapshot(file: string): { byConstructor: Step['byConstructor']; total: number } {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byConstructor = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const size = snap.nodes[i + sizeAt]!;
    total += size;
    // Strings are keyed by type only: their names are their contents.
    const named = !type.includes('string') && type !== 'number' && type !== 'bigint';
    const name = named ? snap.strings[snap.nodes[i + nameAt]!]!.slice(0, 60) : '';
    const key = `${type}:${name}`;
    const entry = byConstructor.get(key);
    if (entry) {
      entry.size += size;
      entry.count++;
    } else byConstructor.set(key, { size, count: 1 });
  }
  return { byConstructor, total };
}

async function takeSnapshot(server: ServerProcess, dir: string): Promise<string> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(server.pid, 'SIGUSR2');
  // The snapshot is written on the server's main thread: once it answers again, the file is complete.
  for (let i = 0; i < 600; i++) {
    await sleep(500);
    const fresh = fs.readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (fresh.length === 0) continue;
    const file = path.join(dir, fresh[0]!);
    const size = fs.statSync(file).size;
    await sleep(1_000);
    if (size > 0 && fs.statSync(file).size === size) return file;
  }
  throw new Error('no heap snapshot appeared');
}

const SPACE = /^tandem_nodejs_heap_space_size_total_bytes\{space="([a-z_]+)"\}$/;

async function measure(
  server: ServerProcess,
  connections: number,
  dir: string,
  options: { keep: boolean; snapshot: boolean },
): Promise<Step> {
  await sleep(2_000);
  const rssBytes = server.sample()?.rssBytes ?? Number.NaN;
  const scrape = parseScrape((await tandemMetrics(server)) ?? '');
  const spaces = new Map<string, number>();
  for (const [series, value] of scrape) {
    const space = SPACE.exec(series)?.[1];
    if (space) spaces.set(space, value);
  }
  let byConstructor: Step['byConstructor'] = new Map();
  let total = Number.NaN;
  // A snapshot leaves the allocator holding memory: later RSS readings are only comparable without.
  if (options.snapshot) {
    const file = await takeSnapshot(server, dir);
    ({ byConstructor, total } = summariseSnapshot(file));
    if (!options.keep) fs.rmSync(file);
  }
  return {
    spaces,
    connections,
    rssBytes,
    heapUsedBytes: scrape.get('tandem_nodejs_heap_size_used_bytes') ?? Number.NaN,
    heapTotalBytes: scrape.get('tandem_nodejs_heap_size_total_bytes') ?? Number.NaN,
    externalBytes: scrape.get('tandem_nodejs_external_memory_bytes') ?? Number.NaN,
    byConstructor,
    liveHeapBytes: total,
  };
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(2);

function diffTable(from: Step, to: Step, top: number): string {
  const added = to.connections - from.connections;
  const rows: { key: string; bytes: number; count: number }[] = [];
  for (const [key, entry] of to.byConstructor) {
    const was = from.byConstructor.get(key) ?? { size: 0, count: 0 };
    rows.push({ key, bytes: (entry.size - was.size) / added, count: (entry.count - was.count) / added });
  }
  rows.sort((a, b) => b.bytes - a.bytes);
  const lines = [
    `### ${from.connections} → ${to.connections} connections (per connection added)`,
    '',
    `| | ${from.connections} | ${to.connections} | per connection |`,
    '| --- | ---: | ---: | ---: |',
    `| RSS (MB / KB) | ${(from.rssBytes / 1048576).toFixed(1)} | ${(to.rssBytes / 1048576).toFixed(1)} | ${kb((to.rssBytes - from.rssBytes) / added)} |`,
    `| V8 heap used, /metrics (MB / KB) | ${(from.heapUsedBytes / 1048576).toFixed(1)} | ${(to.heapUsedBytes / 1048576).toFixed(1)} | ${kb((to.heapUsedBytes - from.heapUsedBytes) / added)} |`,
    `| V8 heap reserved (MB / KB) | ${(from.heapTotalBytes / 1048576).toFixed(1)} | ${(to.heapTotalBytes / 1048576).toFixed(1)} | ${kb((to.heapTotalBytes - from.heapTotalBytes) / added)} |`,
    `| external + array buffers (MB / KB) | ${(from.externalBytes / 1048576).toFixed(1)} | ${(to.externalBytes / 1048576).toFixed(1)} | ${kb((to.externalBytes - from.externalBytes) / added)} |`,
    ...[...to.spaces.keys()].map((space) => {
      const a = from.spaces.get(space) ?? 0;
      const b = to.spaces.get(space)!;
      return `| · V8 ${space} space committed (MB / KB) | ${(a / 1048576).toFixed(1)} | ${(b / 1048576).toFixed(1)} | ${kb((b - a) / added)} |`;
    }),
    `| live heap, snapshot (MB / KB) | ${(from.liveHeapBytes / 1048576).toFixed(1)} | ${(to.liveHeapBytes / 1048576).toFixed(1)} | ${kb((to.liveHeapBytes - from.liveHeapBytes) / added)} |`,
    '',
    '| type:constructor | bytes / connection | objects / connection |',
    '| --- | ---: | ---: |',
  ];
  for (const row of rows.slice(0, top))
    lines.push(`| \`${row.key}\` | ${row.bytes.toFixed(0)} | ${row.count.toFixed(2)} |`);
  const rest = rows.slice(top).reduce((sum, row) => sum + row.bytes, 0);
  lines.push(`| (the rest) | ${rest.toFixed(0)} | |`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', default: 'tandem' },
      steps: { type: 'string', default: '1000,5000' },
      top: { type: 'string', default: '40' },
      keep: { type: 'boolean', default: false },
      'no-snapshot': { type: 'boolean', default: false },
      /** More flags for the server's node, space-separated (e.g. "--max-semi-space-size=4"). */
      'node-flags': { type: 'string', default: '' },
    },
  });
  const kind = values.server as ServerKind;
  if (!SERVER_KINDS.includes(kind)) throw new Error(`unknown server ${kind}`);
  const steps = values.steps.split(',').map(Number);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(BENCH_DIR, 'results', `heap-${stamp}`);
  fs.mkdirSync(dir, { recursive: true });
  const server = await startServer(kind, {
    cpu: 0,
    noFile: Math.max(...steps) + 1_000,
    nodeArgs: [
      '--heapsnapshot-signal=SIGUSR2',
      `--diagnostic-dir=${dir}`,
      ...values['node-flags'].split(' ').filter(Boolean),
    ],
  });
  const workers: ChildProcess[] = [];
  const prefix = freshDocId('heap');
  try {
    const options = { keep: values.keep, snapshot: !values['no-snapshot'] };
    const measured: Step[] = [await measure(server, 0, dir, options)];
    for (const target of steps) {
      let open = measured.at(-1)!.connections;
      while (open < target) {
        const count = Math.min(5_000, target - open);
        const worker = startWorker(true);
        workers.push(worker);
        await request(worker, null, 'ready', 30_000);
        const message = { type: 'open', kind, port: server.port, count, docs: 100, docPrefix: prefix };
        const reply = await request<{ opened: number; failed: number }>(worker, message, 'opened', 600_000);
        if (reply.failed) throw new Error(`${reply.failed} connections failed`);
        open += reply.opened;
      }
      measured.push(await measure(server, open, dir, options));
      console.error(`${kind}: ${open} connections measured`);
    }
    const top = Number(values.top);
    const parts = [`# Heap per idle connection: ${kind}, ${new Date().toISOString()}`, ''];
    for (let i = 1; i < measured.length; i++) parts.push(diffTable(measured[i - 1]!, measured[i]!, top));
    const summary = parts.join('\n');
    fs.writeFileSync(path.join(dir, 'summary.md'), summary);
    console.log(summary);
    console.error(`written to ${dir}/summary.md`);
  } finally {
    for (const worker of workers) worker.send({ type: 'close' });
    await sleep(500);
    await server.stop();
  }
}

await main();
