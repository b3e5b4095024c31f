/**
 * Acknowledgement latency on one PostgreSQL-backed node, this checkout against the build at
 * $TANDEM_BEFORE, in alternating 3-s repetitions at 1,000 updates/s over 10 documents (the
 * cluster scenario's "one node, PostgreSQL" row, paired): `TANDEM_BEFORE=<dir> npx tsx
 * src/tools/pg-ack-ab.ts [reps]`. Prints each repetition and the medians.
 */
import { startPrivatePostgres } from '@tandem/sync-server/private-postgres';
import { ackRep } from '../scenarios/ack.js';
import { startServer } from '../servers/index.js';
import { median } from '../lib/stats.js';

const reps = Number(process.argv[2] ?? 6);
const pg = await startPrivatePostgres();
try {
  const a = await startServer('tandem', { cpu: 0, env: { DATABASE_URL: await pg.createDatabase('ab_a') } });
  const b = await startServer('tandem-before', { cpu: 0, env: { DATABASE_URL: await pg.createDatabase('ab_b') } });
  const out: Record<string, { p50: number[]; p99: number[] }> = {
    after: { p50: [], p99: [] },
    before: { p50: [], p99: [] },
  };
  const cfg = { docs: 10, updatesPerSec: 1000, warmupMs: 300, measureMs: 3000 };
  await ackRep(a, { ...cfg, measureMs: 500 });
  await ackRep(b, { ...cfg, measureMs: 500 });
  for (let i = 0; i < reps; i++)
    for (const [name, s] of (i % 2
      ? [
          ['before', b],
          ['after', a],
        ]
      : [
          ['after', a],
          ['before', b],
        ]) as [string, typeof a][]) {
      const m = await ackRep(s, cfg);
      out[name]!.p50.push(m.p50!);
      out[name]!.p99.push(m.p99!);
      const other = m.otherCpu!.toFixed(2);
      console.log(`${name}: ack p50 ${m.p50!.toFixed(2)} p99 ${m.p99!.toFixed(2)} ms, other load ${other} core`);
      console.log(`  ${m.perCommit!.toFixed(2)} updates per commit, server's commit p99 ≤ ${m.commitP99} ms`);
    }
  for (const [name, r] of Object.entries(out))
    console.log(name, 'median p50', median(r.p50).toFixed(2), 'median p99', median(r.p99).toFixed(2));
  await a.stop();
  await b.stop();
} finally {
  await pg.stop();
}
