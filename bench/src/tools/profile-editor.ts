/**
 * Profiles the editor while someone types in scenario 7's document with two others typing:
 * a CPU profile of the page (Chrome DevTools protocol) and the probe's keystroke → paint,
 * for the document as generated or with parts taken out, to find where a regression lives.
 * `big`: the 1 MB document of row 7c. Build the editor unminified first (`npx vite build --minify false` in apps/editor) for names.
 *
 *   tsx src/tools/profile-editor.ts <server url> <variant: full|big|no-tables|no-images|plain> [keys]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseMarkdown } from '@tandem/crdt-bridge/markdown';
import { Typist } from '../clients/typist.js';
import { launchChromium } from '../lib/chromium.js';
import { richDocument } from '../lib/richdoc.js';
import { percentileSorted } from '../lib/stats.js';
import { BENCH_DIR, sleep } from '../lib/util.js';
import { summariseProfiles } from './profile-summary.js';

const [url = 'http://127.0.0.1:3101', variant = 'full', keysArg = '60'] = process.argv.slice(2);
/** `PROFILE=0` measures without the profiler (it slows the page), for A/B runs of two builds. */
const profiling = process.env.PROFILE !== '0';
const TYPED = ' the quick brown fox jumps over the lazy dog';

/** The generated Markdown with tables and/or images taken out (their blocks vanish, the rest stays). */
function markdownOf(kind: string): { markdown: string; blocks: number; middle: number; around: [number, number] } {
  const doc = richDocument(kind === 'big' ? 1_000_000 : 100_000);
  let parts = doc.markdown.split('\n\n');
  if (kind === 'no-tables' || kind === 'plain') parts = parts.filter((p) => !p.startsWith('|'));
  if (kind === 'no-images' || kind === 'plain') parts = parts.filter((p) => !p.startsWith('!['));
  if (kind === 'full' || kind === 'big')
    return { markdown: doc.markdown, blocks: doc.blocks, middle: doc.middleParagraph, around: doc.neighbourParagraphs };
  // Without blocks the indexes shift: find the paragraph nearest the middle again.
  const markdown = `${parts.join('\n\n')}\n`;
  const parsed = parseMarkdown(markdown, { storeEmbedded: () => '0'.repeat(64), remoteImagesKeptAsLinks: 0 });
  const paragraphs: number[] = [];
  parsed.forEach((node, _o, i) => {
    if (node.type.name === 'paragraph') paragraphs.push(i);
  });
  const at = paragraphs.findIndex((i) => i >= parsed.childCount / 2);
  return {
    markdown,
    blocks: parsed.childCount,
    middle: paragraphs[at]!,
    around: [paragraphs[at - 1]!, paragraphs[at + 1]!],
  };
}

const doc = markdownOf(variant);
const res = await fetch(`${url}/api/docs/import`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ markdown: doc.markdown, title: `profile ${variant}` }),
});
const { id } = (await res.json()) as { id: string };
const browser = await launchChromium(false);
const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
await context.addInitScript({ content: `window.__tandemBenchConfig = ${JSON.stringify({ blocks: doc.blocks })};` });
await context.addInitScript({ path: path.join(BENCH_DIR, 'src/scenarios/browser-probe.js') });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
if (profiling) await cdp.send('Profiler.start');
const t0 = Date.now();
await page.goto(`/d/${id}`);
await page.waitForFunction(() => window.__tandemBench?.marks.content !== undefined, undefined, { timeout: 60_000 });
await page.keyboard.type('x');
await page.waitForFunction(() => window.__tandemBench?.marks.interactive !== undefined, undefined, { timeout: 60_000 });
const marks = await page.evaluate(() => ({ ...window.__tandemBench!.marks }));
if (profiling) {
  const load = (await cdp.send('Profiler.stop')).profile;
  fs.writeFileSync(`/tmp/prof-${variant}-load.cpuprofile`, JSON.stringify(load));
}
console.log(
  `load: fcp ${marks.fcp?.toFixed(0)} content ${marks.content?.toFixed(0)} interactive ${marks.interactive?.toFixed(0)} ms (wall ${Date.now() - t0})`,
);

const port = Number(new URL(url).port);
// Typist blocks are top-level indexes of the document as imported.
const typists = [
  await Typist.join({ port, docId: id, name: 'Ada', color: '#1971c2', block: doc.around[0], text: ' lorem ipsum' }),
  await Typist.join({ port, docId: id, name: 'Grace', color: '#2b8a3e', block: doc.around[1], text: ' sed ut' }),
];
await page.evaluate((i) => window.__tandemBench!.placeCaretAtEnd(i), doc.middle);
typists[0]!.start(10, 0);
typists[1]!.start(10, 50);
await sleep(500);
if (profiling) await cdp.send('Profiler.start');
await page.evaluate(() => window.__tandemBench!.record(true));
const keys = Number(keysArg);
const start = performance.now();
for (let i = 0; i < keys; i++) {
  const wait = start + i * 150 - performance.now();
  if (wait > 0) await sleep(wait);
  await page.keyboard.type(TYPED[i % TYPED.length]!);
}
await sleep(200);
await page.evaluate(() => window.__tandemBench!.record(false));
const typing = profiling ? (await cdp.send('Profiler.stop')).profile : null;
const samples = await page.evaluate(() => window.__tandemBench!.samples());
for (const t of typists) t.stop();
for (const t of typists) t.close();
if (typing) fs.writeFileSync(`/tmp/prof-${variant}-typing.cpuprofile`, JSON.stringify(typing));
const totals = Float64Array.from(samples.map((s) => s.painted - s.t0)).sort();
const handle = Float64Array.from(samples.map((s) => s.handled - s.handler)).sort();
const frame = Float64Array.from(samples.map((s) => s.painted - s.frame)).sort();
console.log(
  `typing ${variant}: key→paint p50 ${percentileSorted(totals, 50).toFixed(1)} p95 ${percentileSorted(totals, 95).toFixed(1)}; handling p50 ${percentileSorted(handle, 50).toFixed(1)} p95 ${percentileSorted(handle, 95).toFixed(1)}; frame p50 ${percentileSorted(frame, 50).toFixed(1)} p95 ${percentileSorted(frame, 95).toFixed(1)}`,
);
if (typing) console.log(summariseProfiles(`/tmp/prof-${variant}-typing.cpuprofile`, 25));
await browser.close();
