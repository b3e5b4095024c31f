/**
 * A Chromium trace (devtools.timeline, blink) of 20 keys typed into row 7c's 1 MB document while
 * two others type, summarised as total time per trace event on the renderer's main thread: what
 * the frame's native work is made of (the CPU profile shows it only as "(program)"). Writes the
 * raw trace to /tmp/trace-big.json (open it in Chrome DevTools → Performance).
 *
 *   tsx src/tools/trace-editor.ts <server url serving the built editor>
 */
import fs from 'node:fs';
import path from 'node:path';
import { Typist } from '../clients/typist.js';
import { launchChromium } from '../lib/chromium.js';
import { richDocument } from '../lib/richdoc.js';
import { BENCH_DIR, sleep } from '../lib/util.js';
const [url = 'http://127.0.0.1:3917'] = process.argv.slice(2);
const doc = richDocument(1_000_000);
const res = await fetch(`${url}/api/docs/import`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ markdown: doc.markdown, title: 'trace' }),
});
const { id } = (await res.json()) as { id: string };
const browser = await launchChromium(false);
const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
await context.addInitScript({ content: `window.__tandemBenchConfig = ${JSON.stringify({ blocks: doc.blocks })};` });
await context.addInitScript({ path: path.join(BENCH_DIR, 'src/scenarios/browser-probe.js') });
const page = await context.newPage();
await page.goto(`/d/${id}`);
await page.waitForFunction(() => window.__tandemBench?.marks.content !== undefined, undefined, { timeout: 60_000 });
const port = Number(new URL(url).port);
const typists = [
  await Typist.join({
    port,
    docId: id,
    name: 'Ada',
    color: '#1971c2',
    block: doc.neighbourParagraphs[0],
    text: ' lorem ipsum',
  }),
  await Typist.join({
    port,
    docId: id,
    name: 'Grace',
    color: '#2b8a3e',
    block: doc.neighbourParagraphs[1],
    text: ' sed ut',
  }),
];
await page.evaluate((i) => window.__tandemBench!.placeCaretAtEnd(i), doc.middleParagraph);
typists[0]!.start(10, 0);
typists[1]!.start(10, 50);
await sleep(1000);
await browser.startTracing(page, {
  categories: ['devtools.timeline', 'blink', 'disabled-by-default-devtools.timeline'],
});
for (let i = 0; i < 20; i++) {
  await page.keyboard.type('abcdefghij'[i % 10]!);
  await sleep(150);
}
const buf = await browser.stopTracing();
for (const t of typists) {
  t.stop();
  t.close();
}
await browser.close();
const events = (
  JSON.parse(buf.toString()) as {
    traceEvents: {
      name: string;
      ph: string;
      dur?: number;
      tid: number;
      pid: number;
      args?: { data?: { frame?: string } };
    }[];
  }
).traceEvents;
// Renderer main thread: the thread with the most "FunctionCall"/"Layout" events.
const count = new Map<string, number>();
for (const e of events)
  if (e.name === 'Layout' || e.name === 'UpdateLayoutTree')
    count.set(`${e.pid}:${e.tid}`, (count.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
const main = [...count.entries()].sort((a, b) => b[1] - a[1])[0]![0];
const totals = new Map<string, { ms: number; n: number }>();
for (const e of events) {
  if (`${e.pid}:${e.tid}` !== main || e.ph !== 'X' || !e.dur) continue;
  const t = totals.get(e.name) ?? { ms: 0, n: 0 };
  t.ms += e.dur / 1000;
  t.n++;
  totals.set(e.name, t);
}
for (const [name, t] of [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30))
  console.log(name.padEnd(40), t.ms.toFixed(1).padStart(9), 'ms', String(t.n).padStart(6));
fs.writeFileSync('/tmp/trace-big.json', buf);
