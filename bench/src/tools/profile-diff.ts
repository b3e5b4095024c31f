/**
 * Times each step of the server's diff of the 10× automerge-paper document (scenario
 * history's A → B), in one process, without a server: unpacking the stored versions,
 * reading both into one document, bounding, encoding the JSON (what the diff job in
 * apps/sync-server/src/work/jobs.ts does; crediting authors is left out, it takes ~2 ms).
 * Run: `npx tsx --conditions=source src/tools/profile-diff.ts [reps]` from bench/ after
 * the scenario has cached the document (`npm run bench -- --only history` once). With
 * `TANDEM_BEFORE=<checkout>` set (built, see docs/performance.md), that checkout's
 * `diffStates` is timed too, in alternation with this one's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { boundDiff, diffStates, utf8Length } from '@tandem/crdt-bridge/history';
import { decodeRow, encodeRow, unpackState, type PackedState } from '@tandem/sync-server/row-codec';

const reps = Number(process.argv[2] ?? 3);
type DiffStates = typeof diffStates;
const beforeDir = process.env.TANDEM_BEFORE;
const before: DiffStates | null = beforeDir
  ? ((await import(path.join(beforeDir, 'packages/crdt-bridge/dist/history/index.js'))) as { diffStates: DiffStates })
      .diffStates
  : null;
const cache = fs.readdirSync(os.tmpdir()).find((f) => f.startsWith('tandem-bench-history-1-'));
if (!cache) throw new Error('run `npm run bench -- --only history` once to cache the 10× document');
const bytes = new Uint8Array(fs.readFileSync(path.join(os.tmpdir(), cache)));
const halfLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
const half = bytes.slice(8, 8 + halfLength);
const end = bytes.slice(8 + halfLength);

/** Versions A and B as the version store holds them (see versionPacking.ts): A a base, B a delta on it. */
function packed(): { a: PackedState; b: PackedState } {
  const aPart = encodeRow(half);
  const delta = Y.diffUpdate(end, Y.encodeStateVectorFromUpdate(half));
  return { a: { parts: [aPart] }, b: { parts: [aPart, encodeRow(delta)] } };
}

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Per step: CPU time of the process (all threads: GC's helpers too) and wall time, in ms. */
const times = new Map<string, { cpu: number[]; wall: number[] }>();
function step<T>(name: string, fn: () => T): T {
  const c0 = cpu();
  const w0 = performance.now();
  const out = fn();
  const entry = times.get(name) ?? { cpu: [], wall: [] };
  entry.cpu.push(cpu() - c0);
  entry.wall.push(performance.now() - w0);
  times.set(name, entry);
  return out;
}

function median(list: number[]): string {
  return [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)]!.toFixed(0);
}

const { a, b } = packed();
console.log(
  `A ${(half.byteLength / 1e6).toFixed(2)} MB, B ${(end.byteLength / 1e6).toFixed(2)} MB; B stored in ${b.parts.length} part(s)`,
);
for (let r = 0; r < reps + 1; r++) {
  step('structuredClone of the inputs', () => structuredClone({ a, b }));
  // What the diff job did before: merge each side's stored parts into one update.
  const base = step('unpack A (before)', () => unpackState(a));
  const target = step('unpack B (before)', () => unpackState(b));
  if (before) step('diffStates (TANDEM_BEFORE)', () => before(base, target));
  // What the diff job does now: inflate the stored parts, and diff them as they are.
  const parts = step('inflate parts (A; B)', () =>
    [a, b].map((packedState) => packedState.parts.map((part) => decodeRow(part.data, part.codec))),
  );
  const full = step('diffStates of the parts', () => diffStates(parts[0]!, parts[1]!));
  const changes = full.changes.map(({ client: _client, ...change }) => ({ ...change, author: 'x' }));
  const colors = { x: null };
  const other = utf8Length(JSON.stringify({ stats: full.stats, titles: full.titles, colors }));
  const bounded = step('boundDiff', () => boundDiff(full.doc, changes, 64 * 1024 * 1024, { otherBytes: other }));
  const json = step('JSON.stringify + encode', () =>
    new TextEncoder().encode(JSON.stringify({ ...bounded, stats: full.stats, titles: full.titles, colors })),
  );
  if (r === 0) {
    times.clear(); // the first round warms the JIT
    console.log(`${full.changes.length} changes, JSON ${(json.byteLength / 1e6).toFixed(2)} MB`);
  }
}
for (const [name, { cpu: c, wall: w }] of times) {
  const all = w.map((t) => t.toFixed(0)).join(', ');
  console.log(`${name.padEnd(32)} wall ${median(w).padStart(5)} ms (${all}); CPU ${median(c).padStart(5)} ms`);
}
