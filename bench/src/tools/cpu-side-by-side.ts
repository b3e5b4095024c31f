/**
 * Server CPU per keystroke of two servers typed into AT THE SAME TIME: scenario 1's load (one size)
 * on both at once, both pinned to CPU 0, measured over the same windows. Other people's work then
 * hits both alike, and the per-window ratio is far steadier than alternated repetitions on a busy
 * machine (3 December, 1.7 cores of other load: 0.88–1.14 side by side against 0.48–1.37 alternated).
 * Each server gets half of CPU 0 at most, so use it for CPU per keystroke, not for latency.
 *
 *   TANDEM_BEFORE=/tmp/before npx tsx src/tools/cpu-side-by-side.ts --servers tandem,tandem-before \
 *     --reps 12 --clients 2 --docs 20 --writers 1
 */
import { parseArgs } from 'node:util';
import { pinSelf } from '../lib/proc.js';
import { withServers } from '../scenarios/common.js';
import { latencyRep, type LatencyConfig } from '../scenarios/latency.js';
import { SERVER_KINDS, type ServerKind } from '../servers/index.js';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'tandem,tandem-before' },
    reps: { type: 'string', default: '12' },
    'measure-ms': { type: 'string', default: '3000' },
    clients: { type: 'string', default: '2' },
    docs: { type: 'string', default: '20' },
    writers: { type: 'string', default: '1' },
  },
});
const kinds = values.servers.split(',') as ServerKind[];
if (kinds.length !== 2 || kinds.some((k) => !SERVER_KINDS.includes(k)))
  throw new Error('--servers takes two server names');
const reps = Number(values.reps);
const config: LatencyConfig = {
  clientsPerDoc: Number(values.clients),
  docs: Number(values.docs),
  writersPerDoc: Number(values.writers),
  keysPerSec: 10,
  awarenessHz: 10,
  warmupMs: 300,
  measureMs: Number(values['measure-ms']),
  drainMs: 2_000,
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

pinSelf(1);
await withServers(
  kinds,
  { servers: kinds, reps, pin: true, cpuProfDir: null, tier: 'quick' },
  () => ({}),
  async (procs) => {
    // The same unrecorded warm-up as scenario 1 (V8 still compiles the hot paths in the first seconds).
    await Promise.all(procs.map((p) => latencyRep(p, { ...config, measureMs: 5_000 })));
    const cpu: number[][] = [[], []];
    for (let i = 0; i < reps; i++) {
      const rows = await Promise.all(procs.map((p) => latencyRep(p, config)));
      rows.forEach((row, j) => cpu[j]!.push(row.srvCpuPerKey!));
      const other = rows[0]!.otherCpu! - rows[1]!.srvCpu!;
      console.log(
        `window ${i + 1}: ${kinds.map((k, j) => `${k} ${cpu[j]![i]!.toFixed(0)} µs/key`).join(', ')}; other load ${other.toFixed(2)} cores`,
      );
    }
    const ratios = cpu[0]!.map((v, i) => v / cpu[1]![i]!).sort((a, b) => a - b);
    console.log(`median µs/key: ${kinds.map((k, j) => `${k} ${median(cpu[j]!).toFixed(0)}`).join(', ')}`);
    console.log(
      `${kinds[0]} ÷ ${kinds[1]} per window: median ${median(ratios).toFixed(3)} (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)})`,
    );
  },
);
