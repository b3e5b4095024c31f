/**
 * Traces a cold open of scenario 7's document in Chromium and prints the main thread's long
 * tasks and the time per trace event kind, to find where time to interactive goes.
 *
 *   tsx src/tools/trace-cold.ts <server url> [out.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../lib/chromium.js';
import { richDocument } from '../lib/richdoc.js';
import { BENCH_DIR } from '../lib/util.js';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, µs: what the task cost whatever else ran on the machine. */
  tdur?: number;
  tid: number;
  pid: number;
  args?: { name?: string; data?: { url?: string; functionName?: string } };
}

const [url = 'http://127.0.0.1:3191', out = '/tmp/cold-trace.json'] = process.argv.slice(2);
const doc = richDocument(100_000);
const res = await fetch(`${url}/api/docs/import`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ markdown: doc.markdown, title: 'trace cold' }),
});
const { id } = (await res.json()) as { id: string };
const browser = await launchChromium(false);
const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
await context.addInitScript({ content: `window.__tandemBenchConfig = ${JSON.stringify({ blocks: doc.blocks })};` });
await context.addInitScript({ path: path.join(BENCH_DIR, 'src/scenarios/browser-probe.js') });
const page = await context.newPage();
const tracing = out !== 'none';
if (tracing)
  await browser.startTracing(page, {
    path: out,
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8.execute',
      'blink.user_timing',
      'loading',
    ],
  });
await page.goto(`/d/${id}`, { waitUntil: 'commit' });
await page.waitForFunction(() => window.__tandemBench?.marks.content !== undefined, undefined, {
  polling: 'raf',
  timeout: 60_000,
});
await page.keyboard.type('x');
await page.waitForFunction(() => window.__tandemBench?.marks.interactive !== undefined, undefined, {
  polling: 'raf',
  timeout: 60_000,
});
const marks = await page.evaluate(() => ({ ...window.__tandemBench!.marks, origin: performance.timeOrigin }));
if (tracing) await browser.stopTracing();
await browser.close();
console.log('marks', JSON.stringify(marks));
if (!tracing) process.exit(0);
const events = (JSON.parse(fs.readFileSync(out, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const onMain = events.filter((e) => main && e.tid === main.tid && e.pid === main.pid && e.ph === 'X' && e.dur);
const nav = events.find((e) => e.name === 'navigationStart' || e.name === 'NavigationTiming');
const t0 = nav?.ts ?? Math.min(...onMain.map((e) => e.ts));
const interactiveTs = t0 + (marks.interactive ?? 0) * 1000;
const untilInteractive = onMain.filter((e) => e.name === 'RunTask' && e.ts < interactiveTs);
const cpu = untilInteractive.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
const wall = untilInteractive.reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000;
console.log(`main thread until interactive: CPU ${cpu.toFixed(0)} ms, busy (wall) ${wall.toFixed(0)} ms`);
const tasks = process.env.VERBOSE ? onMain.filter((e) => e.name === 'RunTask' && e.dur! > 8000) : [];
for (const task of tasks) {
  const inside = onMain.filter((e) => e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && e.name !== 'RunTask');
  const kinds = new Map<string, number>();
  for (const e of inside)
    if (
      [
        'FunctionCall',
        'EvaluateScript',
        'Layout',
        'UpdateLayoutTree',
        'Paint',
        'ParseHTML',
        'v8.compile',
        'MajorGC',
        'MinorGC',
        'PrePaint',
        'Commit',
        'Layerize',
        'ParseAuthorStyleSheet',
        'v8.produceCache',
        'CompileScript',
        'RunMicrotasks',
        'HitTest',
        'EventDispatch',
      ].includes(e.name)
    )
      kinds.set(e.name, (kinds.get(e.name) ?? 0) + e.dur! / 1000);
  const top = [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`);
  console.log(
    `${((task.ts - t0) / 1000).toFixed(0).padStart(6)} ms  ${(task.dur! / 1000).toFixed(1).padStart(7)} ms  ${top.join(', ')}`,
  );
}
