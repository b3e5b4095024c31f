/**
 * Scenario 7 — the editor in a browser (Tandem only). The real Tandem server serves the built
 * editor; headless Chromium (Playwright) opens a ~100k-character formatted document.
 *  (a) Time to interactive: a fresh browser context (no cache, no service worker, no
 *      IndexedDB copy) opens the document; navigation start → every block rendered, and →
 *      a first keystroke painted. Then the same context reloads it (warm: service worker
 *      shell, IndexedDB copy, document in the server's memory).
 *  (b) Keystroke → paint: the measured user types in the middle of the document while two
 *      other people type 10 keys/s each in the paragraphs just above and below (their
 *      carets on screen). Those two are Node clients speaking the Tandem protocol, so they
 *      cost the 2-core machine almost nothing: the browser gets the CPU a person's own
 *      machine would give it, and the page still renders their edits and carets.
 * The document carries 20 open comment threads and 20 suggestions by someone else.
 * Every repetition uses a fresh copy of the document and a fresh context.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { addReview } from '../clients/reviewer.js';
import { Typist } from '../clients/typist.js';
import { EDITOR_DIST, launchChromium } from '../lib/chromium.js';
import { SelfCpu, machineBusyMs, sampleProc, sampleTree } from '../lib/proc.js';
import { richDocument, type RichDoc } from '../lib/richdoc.js';
import { distribution, median, percentileSorted } from '../lib/stats.js';
import { BENCH_DIR, note, sleep } from '../lib/util.js';
import type { ServerKind, ServerProcess } from '../servers/index.js';
import type { KeySample, ProbeMarks } from './browser-probe-api.js';
import {
  awaitQuiet,
  withServers,
  type MetricSpec,
  type RepMetrics,
  type RunOptions,
  type ScenarioResult,
} from './common.js';

export interface BrowserConfig {
  /** Characters of text in the seeded document. */
  chars: number;
  /** Keystrokes the measured user types in all, split evenly over the repetitions. */
  keys: number;
  /** Time from one of the measured user's keystrokes to the next. */
  keyIntervalMs: number;
  /** Keys per second each of the other people types. */
  othersKeysPerSec: number;
  /** How many others type in the crowd row (7b'), 0 for none; at most 5. */
  crowd: number;
  /** Characters of the big document of row 7c (0: no such row). */
  bigChars: number;
  /** Keys typed into the big document, in all (fewer than in 7b: each of its loads takes seconds). */
  bigKeys: number;
}

/** Open comment threads and suggestions in the document (issue 14's target: 20 of each). */
const REVIEW = { threads: 20, suggestions: 20 };
const PROBE_SCRIPT = path.join(BENCH_DIR, 'src/scenarios/browser-probe.js');
const VIEWPORT = { width: 1280, height: 800 };
/** What the measured user types: letters and spaces, so no input rule (Markdown shortcut) fires. */
const TYPED = ' the quick brown fox jumps over the lazy dog';
/** The control: a keydown handler that blocks the main thread this long must show up in full. */
const CONTROL_BLOCK_MS = 50;
const CONTROL_KEYS = 10;
/** Keys typed unrecorded before each measured window (the first frames after others start are unusual). */
const WARMUP_KEYS = 5;
/** Everything waited for in a page has a bound. */
const PAGE_TIMEOUT_MS = 60_000;

const LOAD_METRICS: MetricSpec[] = [
  { key: 'fcp', label: 'cold: first paint', unit: 'ms', better: 'lower', show: true, digits: 0 },
  { key: 'content', label: 'cold: document shown', unit: 'ms', better: 'lower', show: true, digits: 0 },
  { key: 'interactive', label: 'cold: interactive', unit: 'ms', better: 'lower', show: true, verdict: true, digits: 0 },
  { key: 'probe', label: 'cold: first key → paint', unit: 'ms', better: 'lower', show: true, digits: 1 },
  { key: 'warmContent', label: 'warm: document shown', unit: 'ms', better: 'lower', show: true, digits: 0 },
  { key: 'warmInteractive', label: 'warm: interactive', unit: 'ms', better: 'lower', show: true, digits: 0 },
];

const TYPING_METRICS: MetricSpec[] = [
  { key: 'p50', label: 'key → paint p50', unit: 'ms', better: 'lower', show: true, digits: 1 },
  { key: 'p95', label: 'key → paint p95', unit: 'ms', better: 'lower', show: true, verdict: true, digits: 1 },
  { key: 'p99', label: 'key → paint p99', unit: 'ms', better: 'lower', show: true, digits: 1 },
  { key: 'max', label: 'key → paint max', unit: 'ms', better: 'lower', show: false, digits: 1 },
  { key: 'floorP50', label: 'floor p50', unit: 'ms', better: 'lower', show: true, digits: 1 },
  { key: 'floorP95', label: 'floor p95', unit: 'ms', better: 'lower', show: true, digits: 1 },
  { key: 'delayP95', label: 'input delay p95', unit: 'ms', better: 'lower', show: false, digits: 1 },
  { key: 'handleP50', label: 'handling p50', unit: 'ms', better: 'lower', show: false, digits: 1 },
  { key: 'waitP50', label: 'wait for frame p50', unit: 'ms', better: 'lower', show: false, digits: 1 },
  { key: 'frameP50', label: 'frame p50', unit: 'ms', better: 'lower', show: false, digits: 1 },
  { key: 'slowKeys', label: 'keys > 16 ms (Event Timing)', unit: '', better: 'lower', show: true, digits: 0 },
  { key: 'longTasks', label: 'long tasks', unit: '', better: 'lower', show: false, digits: 0 },
  { key: 'keys', label: 'keys', unit: '', better: 'higher', show: true, digits: 0 },
  { key: 'browserCpu', label: 'browser CPU', unit: 'core', better: 'lower', show: true, digits: 2 },
  { key: 'srvCpu', label: 'server CPU', unit: 'core', better: 'lower', show: false, digits: 2 },
  { key: 'genCpu', label: 'bench CPU', unit: 'core', better: 'lower', show: false, digits: 2 },
  { key: 'otherCpu', label: 'other load (noise)', unit: 'core', better: 'lower', show: true, digits: 2 },
];

/** One repetition's results. */
interface BrowserRep {
  load: RepMetrics;
  typing: RepMetrics;
  samples: KeySample[];
  floor: KeySample[];
  /** Keystroke → paint with the control's blocking keydown handler (last repetition only). */
  control: number[] | null;
  serviceWorker: boolean;
  /** The same measurement with more others typing (null when the repetition had no crowd). */
  crowd: { typing: RepMetrics; samples: KeySample[] } | null;
}

/** Imports `markdown` as a new document through the server's HTTP API; returns its id. */
async function importDocument(server: ServerProcess, markdown: string, title: string): Promise<string> {
  const res = await fetch(`${server.url}/api/docs/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ markdown, title }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 201) throw new Error(`import refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Polls `check` in the bench process (each call a round trip to the page) until it holds; false on timeout. */
async function pollPage(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(25);
  }
  return false;
}

const marks = (page: Page): Promise<ProbeMarks> => page.evaluate(() => ({ ...window.__tandemBench!.marks }));

/**
 * Navigates (`navigate` starts it), waits until every block is shown, then types one character
 * at once and waits for its frame: the probe's marks of this load.
 */
async function loadAndProbe(page: Page, navigate: () => Promise<unknown>): Promise<Required<ProbeMarks>> {
  await navigate();
  await page.waitForFunction(() => window.__tandemBench?.marks.content !== undefined, undefined, {
    polling: 'raf',
    timeout: PAGE_TIMEOUT_MS,
  });
  // The editor took focus when it was created, so the key lands at the start of the document.
  await page.keyboard.type('x');
  await page.waitForFunction(() => window.__tandemBench?.marks.interactive !== undefined, undefined, {
    polling: 'raf',
    timeout: PAGE_TIMEOUT_MS,
  });
  const m = await marks(page);
  return {
    fcp: m.fcp ?? Number.NaN,
    editor: m.editor ?? Number.NaN,
    content: m.content!,
    probeKeyDown: m.probeKeyDown!,
    interactive: m.interactive!,
  };
}

/** Types `text` one key every `intervalMs` (on a fixed schedule; a key that takes longer delays the next). */
async function typePaced(page: Page, text: string, intervalMs: number): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < text.length; i++) {
    const wait = t0 + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    await page.keyboard.type(text[i]!);
  }
  // Let the last key's frame be produced before anyone reads the samples.
  await sleep(Math.max(100, intervalMs));
}

/** Records keystrokes while typing `text` paced; returns them. */
async function typeRecorded(page: Page, text: string, intervalMs: number): Promise<KeySample[]> {
  await page.evaluate(() => window.__tandemBench!.record(true));
  await typePaced(page, text, intervalMs);
  await page.evaluate(() => window.__tandemBench!.record(false));
  return page.evaluate(() => window.__tandemBench!.samples());
}

const total = (s: KeySample): number => s.painted - s.t0;

/** Keys typed into the floor copy: half the measured ones (it varies little), at least 20. */
const floorKeys = (keys: number): number => Math.max(20, Math.ceil(keys / 2));

/** p-th percentile of `values` (any order). */
function pct(values: number[], p: number): number {
  return percentileSorted(Float64Array.from(values).sort(), p);
}

function typedText(n: number, offset = 0): string {
  let s = '';
  for (let i = 0; i < n; i++) s += TYPED[(offset + i) % TYPED.length];
  return s;
}

/** CPU of the browser (all its processes), the server, this process, and everything else, as shares of a core. */
class CpuMeter {
  private readonly self = new SelfCpu();
  private t0 = 0;
  private tree0 = 0;
  private selfProc0 = 0;
  private server0 = 0;
  private machine0 = 0;

  constructor(private readonly server: ServerProcess) {}

  start(): void {
    this.self.reset();
    this.t0 = performance.now();
    // The bench process's tree holds the browser (launched from here) and the server.
    this.tree0 = sampleTree(process.pid)?.cpuMs ?? Number.NaN;
    this.selfProc0 = sampleProc(process.pid)?.cpuMs ?? Number.NaN;
    this.server0 = this.server.sample()?.cpuMs ?? Number.NaN;
    this.machine0 = machineBusyMs();
  }

  stop(): { browserCpu: number; srvCpu: number; genCpu: number; otherCpu: number } {
    const ms = performance.now() - this.t0;
    const tree = (sampleTree(process.pid)?.cpuMs ?? Number.NaN) - this.tree0;
    const selfProc = (sampleProc(process.pid)?.cpuMs ?? Number.NaN) - this.selfProc0;
    const server = (this.server.sample()?.cpuMs ?? Number.NaN) - this.server0;
    const machine = machineBusyMs() - this.machine0;
    return {
      browserCpu: (tree - selfProc - server) / ms,
      srvCpu: server / ms,
      genCpu: this.self.share(),
      otherCpu: Math.max(0, (machine - tree) / ms),
    };
  }
}

/** The other people, in the order they join: the first two type in 7b, all of them in the crowd row. */
const PEOPLE = [
  { name: 'Ada Typist', color: '#1971c2', text: ' lorem ipsum dolor sit amet' },
  { name: 'Grace Typist', color: '#2b8a3e', text: ' sed ut perspiciatis unde omnis' },
  { name: 'Edsger Typist', color: '#c2255c', text: ' at vero eos et accusamus' },
  { name: 'Barbara Typist', color: '#e8590c', text: ' nemo enim ipsam voluptatem' },
  { name: 'Alan Typist', color: '#6741d9', text: ' quis autem vel eum iure' },
] as const;

/** What one repetition asks for besides the typing. */
interface RepOptions {
  label: string;
  control: boolean;
  floor: boolean;
  screenshot: string | null;
  /** Reload once more (warm load) before typing; off for the big document, whose loads are long. */
  warm: boolean;
  /** After the typing with two others, this many others type while the user types as many keys again (0: not). */
  crowd: number;
}

/** Paragraphs the others type in: just above and below the measured user first, then further out. */
function othersBlocks(doc: RichDoc, n: number): number[] {
  const blocks = [...doc.neighbourParagraphs, ...doc.nearbyParagraphs].slice(0, n);
  if (blocks.length < n) throw new Error(`the document has paragraphs for ${blocks.length} others, not ${n}`);
  return blocks;
}

/** Joins the others `from`…`to - 1` of PEOPLE and waits until the page shows all `to` carets. */
async function joinOthers(
  page: Page,
  server: ServerProcess,
  docId: string,
  blocks: number[],
  typists: Typist[],
  to: number,
): Promise<void> {
  for (let i = typists.length; i < to; i++)
    typists.push(await Typist.join({ port: server.port, docId, ...PEOPLE[i]!, block: blocks[i]! }));
  if (!(await pollPage(async () => (await page.evaluate(() => window.__tandemBench!.remoteCarets())) >= to, 10_000)))
    throw new Error(`the other people's carets did not appear (${to} expected)`);
}

/** One measured typing window while `typists` type: samples, Event Timing, CPU. */
async function typeWithOthers(
  page: Page,
  server: ServerProcess,
  typists: Typist[],
  config: BrowserConfig,
  keys: number,
  offset: number,
): Promise<{ samples: KeySample[]; slowKeys: number; longTasks: number; cpu: ReturnType<CpuMeter['stop']> }> {
  // Spread the others' keys over each interval, as independent people would.
  typists.forEach((t, i) => t.start(config.othersKeysPerSec, (i * 1000) / config.othersKeysPerSec / typists.length));
  await sleep(500);
  await typePaced(page, typedText(WARMUP_KEYS, offset), config.keyIntervalMs);
  const meter = new CpuMeter(server);
  meter.start();
  const samples = await typeRecorded(page, typedText(keys, offset + WARMUP_KEYS), config.keyIntervalMs);
  const cpu = meter.stop();
  for (const typist of typists) typist.stop();
  // Event Timing and long-task entries of the typing window.
  const from = (samples[0]?.t0 ?? Number.POSITIVE_INFINITY) - 1;
  const to = (samples[samples.length - 1]?.t0 ?? Number.NEGATIVE_INFINITY) + 1_000;
  const slow = (await page.evaluate(() => window.__tandemBench!.slowEvents())).filter(
    (e) => e.start >= from && e.start <= to,
  );
  const longTasks = (await page.evaluate(() => window.__tandemBench!.longTasks())).filter(
    (t) => t.start >= from && t.start <= to,
  ).length;
  // A keystroke is slow by Event Timing when any of its keydown/keypress/input entries exceeds 16 ms.
  const slowKeys = samples.filter((k) =>
    slow.some((e) => e.name !== 'keyup' && Math.abs(e.start - k.t0) < 0.5 && e.duration > 16),
  ).length;
  return { samples, slowKeys, longTasks, cpu };
}

/** Waits until the page and every other person agree on all the typed paragraphs; throws if they do not. */
async function awaitConvergence(page: Page, doc: RichDoc, typists: Typist[], blocks: number[], mine: string) {
  const converged = await pollPage(async () => {
    const [theirsOnPage, mineOnPage] = await page.evaluate(
      ([bs, m]) => [bs.map((i) => window.__tandemBench!.blockText(i)), window.__tandemBench!.blockText(m)] as const,
      [blocks.slice(0, typists.length), doc.middleParagraph] as const,
    );
    return (
      typists.every((t, i) => theirsOnPage[i] === t.paragraph) &&
      mineOnPage === mine &&
      typists.every((t) => t.textOf(doc.middleParagraph) === mine)
    );
  }, 10_000);
  if (!converged) throw new Error('the page and the other people did not converge');
}

/** The typing row's metrics of one window. */
function typingMetrics(w: Awaited<ReturnType<typeof typeWithOthers>>, floor: KeySample[]): RepMetrics {
  const samples = w.samples;
  const totals = samples.map(total);
  const dist = distribution(totals);
  const part = (f: (k: KeySample) => number, p: number): number => pct(samples.map(f), p);
  return {
    p50: dist.p50,
    p95: pct(totals, 95),
    p99: dist.p99,
    max: dist.max,
    floorP50: pct(floor.map(total), 50),
    floorP95: pct(floor.map(total), 95),
    delayP95: part((k) => k.handler - k.t0, 95),
    handleP50: part((k) => k.handled - k.handler, 50),
    waitP50: part((k) => k.frame - k.handled, 50),
    frameP50: part((k) => k.painted - k.frame, 50),
    slowKeys: w.slowKeys,
    longTasks: w.longTasks,
    keys: samples.length,
    ...w.cpu,
  };
}

/** One repetition: a fresh copy of the document, a fresh context; cold load, warm load, typing. */
async function browserRep(
  server: ServerProcess,
  browser: Browser,
  doc: RichDoc,
  config: BrowserConfig,
  keys: number,
  opts: RepOptions,
): Promise<BrowserRep> {
  const docId = await importDocument(server, doc.markdown, `Browser benchmark ${opts.label}`);
  const blocks = othersBlocks(doc, Math.max(2, opts.crowd));
  // A document under review, as teams keep them: open threads and suggestions, some on screen.
  await addReview({ port: server.port, docId, ...REVIEW, avoid: [doc.middleParagraph, ...blocks] });
  const context = await browser.newContext({ baseURL: server.url, viewport: VIEWPORT });
  const typists: Typist[] = [];
  try {
    await context.addInitScript({ content: `window.__tandemBenchConfig = ${JSON.stringify({ blocks: doc.blocks })};` });
    await context.addInitScript({ path: PROBE_SCRIPT });
    const page = await context.newPage();

    // (a) Cold, then warm.
    const cold = await loadAndProbe(page, () => page.goto(`/d/${docId}`, { waitUntil: 'commit' }));
    const shown = await page.evaluate(() => window.__tandemBench!.textLength());
    if (shown < doc.chars)
      throw new Error(`the page shows ${shown} characters of the document's ${doc.chars} (${opts.label})`);
    const settled = await page.evaluate((ms) => window.__tandemBench!.settle(ms), 10_000);
    if (!settled.saved) throw new Error(`the probe keystroke was not stored within 10 s (${opts.label})`);
    const warm = opts.warm ? await loadAndProbe(page, () => page.reload({ waitUntil: 'commit' })) : null;
    if (warm) await page.evaluate((ms) => window.__tandemBench!.settle(ms), 10_000);

    // (b) Two other people join and type just above and below the measured user.
    await joinOthers(page, server, docId, blocks, typists, 2);
    if (!(await page.evaluate((i) => window.__tandemBench!.placeCaretAtEnd(i), doc.middleParagraph)))
      throw new Error(`no text to put the caret in at block ${doc.middleParagraph}`);
    const mineBefore = await page.evaluate((i) => window.__tandemBench!.blockText(i), doc.middleParagraph);
    let typed = 0;
    const two = await typeWithOthers(page, server, typists, config, keys, typed);
    typed += WARMUP_KEYS + keys;
    if (opts.screenshot && opts.crowd === 0) await page.screenshot({ path: opts.screenshot });
    // Everyone must have seen everyone's typing, or the page was not doing the work we time.
    await awaitConvergence(page, doc, typists, blocks, `${mineBefore}${typedText(typed)}`);

    // (b') More others join, and all of them type while the measured user types as many keys again.
    let crowd: Awaited<ReturnType<typeof typeWithOthers>> | null = null;
    if (opts.crowd > 2) {
      await joinOthers(page, server, docId, blocks, typists, opts.crowd);
      crowd = await typeWithOthers(page, server, typists, config, keys, typed);
      typed += WARMUP_KEYS + keys;
      if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
      await awaitConvergence(page, doc, typists, blocks, `${mineBefore}${typedText(typed)}`);
    }

    // The floor: the same keys into a copy of the editor's DOM that no editor code watches,
    // once the page has settled (the others' typing indicator gone, everything stored).
    let floor: KeySample[] = [];
    if (opts.floor) {
      await page.evaluate(() => window.__tandemBench!.detachEditor());
      if (!(await page.evaluate((i) => window.__tandemBench!.placeCaretAtEnd(i), doc.middleParagraph)))
        throw new Error('no text to put the caret in the floor copy');
      await sleep(600);
      floor = await typeRecorded(page, typedText(floorKeys(keys)), config.keyIntervalMs);
    }

    // The control, on whatever the page now holds: a main thread blocked in keydown must show in full.
    let control: number[] | null = null;
    if (opts.control) {
      await page.evaluate((ms) => window.__tandemBench!.blockKeydown(ms), CONTROL_BLOCK_MS);
      const blocked = await typeRecorded(page, typedText(CONTROL_KEYS), config.keyIntervalMs + CONTROL_BLOCK_MS);
      control = blocked.map(total);
      await page.evaluate(() => window.__tandemBench!.blockKeydown(0));
    }

    return {
      load: {
        fcp: cold.fcp,
        content: cold.content,
        interactive: cold.interactive,
        probe: cold.interactive - cold.probeKeyDown,
        warmContent: warm?.content ?? Number.NaN,
        warmInteractive: warm?.interactive ?? Number.NaN,
      },
      typing: typingMetrics(two, floor),
      samples: two.samples,
      crowd: crowd ? { typing: typingMetrics(crowd, floor), samples: crowd.samples } : null,
      floor,
      control,
      serviceWorker: settled.serviceWorker,
    };
  } finally {
    for (const typist of typists) typist.close();
    await context.close();
  }
}

/** A typing row of the report: one repetition's metrics each, with the pooled keys and where their time went. */
function typingResult(
  head: { id: string; title: string; description: string; config: Record<string, unknown>; seconds: number },
  reps: { typing: RepMetrics; samples: KeySample[]; floor: KeySample[] }[],
  notes: string[],
  before: { typing: RepMetrics }[] = [],
): ScenarioResult {
  const all = reps.flatMap((r) => r.samples);
  const pooled = distribution(all.map(total));
  const pooledFloor = reps.flatMap((r) => r.floor).map(total);
  const part = (f: (k: KeySample) => number): string =>
    `${pct(all.map(f), 50).toFixed(1)}/${pct(all.map(f), 95).toFixed(1)}`;
  return {
    ...head,
    servers: before.length > 0 ? ['tandem', 'tandem-before'] : ['tandem'],
    metrics: TYPING_METRICS,
    reps: {
      tandem: reps.map((r) => r.typing),
      ...(before.length > 0 ? { 'tandem-before': before.map((r) => r.typing) } : {}),
    },
    pooled: { tandem: pooled },
    notes: [
      `All ${pooled.n} keystrokes pooled: p50 ${pooled.p50.toFixed(1)} ms, p95 ${pct(all.map(total), 95).toFixed(1)} ms, ` +
        `p99 ${pooled.p99.toFixed(1)} ms, max ${pooled.max.toFixed(1)} ms; floor (${pooledFloor.length} keys) ` +
        `p50 ${pct(pooledFloor, 50).toFixed(1)} ms, p95 ${pct(pooledFloor, 95).toFixed(1)} ms.`,
      `Where the time goes (p50/p95, ms): waiting for the main thread ${part((k) => k.handler - k.t0)}; ` +
        `handling the key (browser editing, ProseMirror, Yjs, Svelte) ${part((k) => k.handled - k.handler)}; ` +
        `waiting for the next frame (and other work, e.g. the others' edits) ${part((k) => k.frame - k.handled)}; ` +
        `producing the frame ${part((k) => k.painted - k.frame)}.`,
      ...notes,
    ],
    extra: { samples: reps.map((r) => r.samples), floor: reps.map((r) => r.floor) },
  };
}

/** `list` rotated left by `by`: which server goes first changes from one repetition to the next. */
function rotate<T>(list: readonly T[], by: number): T[] {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** The built editor of the TANDEM_BEFORE checkout, which tandem-before serves. */
function beforeEditorDist(): string {
  const dir = path.join(path.resolve(process.env.TANDEM_BEFORE ?? ''), 'apps/editor/dist');
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir} is missing: build the editor there`);
  return dir;
}

/** Describes `doc` for the notes. */
function describeDoc(doc: RichDoc, version: string): string {
  return (
    `Document: ${doc.chars.toLocaleString('en-US')} characters of generated text in ${doc.blocks} top-level blocks ` +
    `(${Object.entries(doc.blockTypes)
      .map(([type, n]) => `${n} ${type.replace('_', ' ')}`)
      .join(
        ', ',
      )}), with bold, italic, links and inline code; imported as Markdown (its images as embedded PNGs, which the server stores). ` +
    `${version ? `Chromium ${version}, headless, software compositing (--disable-gpu), ` : ''}${VIEWPORT.width}×${VIEWPORT.height}.`
  );
}

/** Runs scenario 7: loads and typing in the 100k-character document (with 2, then `crowd` others), then in the big one. */
export async function runBrowser(run: RunOptions, config: BrowserConfig): Promise<ScenarioResult[]> {
  if (!run.servers.includes('tandem')) return [];
  if (!fs.existsSync(path.join(EDITOR_DIST, 'index.html')))
    throw new Error(`${EDITOR_DIST} is missing: run \`npm run build\` at the repository root`);
  const started = performance.now();
  const doc = richDocument(config.chars);
  const big = config.bigChars > 0 ? richDocument(config.bigChars) : null;
  const keysPerRep = Math.max(20, Math.ceil(config.keys / run.reps));
  const bigKeysPerRep = Math.max(10, Math.ceil(config.bigKeys / run.reps));
  note(
    `browser: document of ${doc.chars.toLocaleString('en-US')} characters in ${doc.blocks} blocks ` +
      `(${doc.markdown.length.toLocaleString('en-US')} B of Markdown); ${keysPerRep} keys per repetition` +
      (big
        ? `; big document of ${big.chars.toLocaleString('en-US')} characters, ${bigKeysPerRep} keys per repetition`
        : ''),
  );
  // With tandem-before among the servers, its editor (TANDEM_BEFORE/apps/editor/dist) is measured
  // too, alternating with this one repetition by repetition: a before/after pair in one run.
  const kinds: ServerKind[] = run.servers.includes('tandem-before') ? ['tandem', 'tandem-before'] : ['tandem'];
  const repsOf = new Map<ServerKind, BrowserRep[]>(kinds.map((k) => [k, []]));
  const bigRepsOf = new Map<ServerKind, BrowserRep[]>(kinds.map((k) => [k, []]));
  let version = '';
  const screenshot = path.join(BENCH_DIR, 'results', 'latest-browser.png');
  await withServers(
    kinds,
    run,
    (kind) => ({ env: { STATIC_DIR: kind === 'tandem-before' ? beforeEditorDist() : EDITOR_DIST } }),
    async (servers) => {
      const browser = await launchChromium(run.pin);
      try {
        version = browser.version();
        await awaitQuiet('browser');
        // One unrecorded repetition first: the server's JIT, the disk cache, Chromium's start-up.
        for (const server of servers)
          await browserRep(server, browser, doc, config, 10, {
            label: 'warm-up',
            control: false,
            floor: false,
            screenshot: null,
            warm: true,
            crowd: 0,
          });
        for (let i = 0; i < run.reps; i++) {
          for (const k of rotate(kinds, i)) {
            repsOf.get(k)!.push(
              await browserRep(servers[kinds.indexOf(k)]!, browser, doc, config, keysPerRep, {
                label: `repetition ${i + 1}`,
                control: i === run.reps - 1,
                floor: true,
                screenshot: i === 0 && k === 'tandem' ? screenshot : null,
                warm: true,
                crowd: config.crowd,
              }),
            );
          }
          note(`browser: repetition ${i + 1}/${run.reps} done`);
        }
        for (let i = 0; big && i < run.reps; i++) {
          for (const k of rotate(kinds, i)) {
            bigRepsOf.get(k)!.push(
              await browserRep(servers[kinds.indexOf(k)]!, browser, big, config, bigKeysPerRep, {
                label: `big document, repetition ${i + 1}`,
                control: false,
                floor: true,
                screenshot: null,
                warm: false,
                crowd: 0,
              }),
            );
          }
          note(`browser: big document, repetition ${i + 1}/${run.reps} done`);
        }
      } finally {
        await browser.close();
      }
    },
  );
  const reps = repsOf.get('tandem')!;
  const bigReps = bigRepsOf.get('tandem')!;

  const control = reps.find((r) => r.control)?.control ?? [];
  const controlMedian = median(control);
  // The probe must see a blocked main thread; if it does not, its numbers mean nothing.
  if (!(controlMedian >= CONTROL_BLOCK_MS))
    throw new Error(
      `control failed: with a ${CONTROL_BLOCK_MS} ms keydown handler the probe measured a median of ${controlMedian.toFixed(1)} ms`,
    );
  const seconds = (performance.now() - started) / 1000;
  const docNote = describeDoc(doc, version);
  const others = (n: number): string =>
    `in the middle of the document while ${n} other people type ${config.othersKeysPerSec} keys/s each, with their carets, ` +
    "in the paragraphs around it. A sample runs from the keydown event's timeStamp to just after the next " +
    'frame once the text changed (requestAnimationFrame, then a posted message). ';
  const floorNote = (keys: number): string =>
    `"Floor": ${floorKeys(keys)} keys typed the same way into a copy of the editor's DOM (same page, styles and ` +
    'document, still editable) that no editor code watches: what the browser alone needs.';
  const typistsNote =
    'The other people are Node clients speaking the Tandem protocol (a Y.Doc and an Awareness each, ' +
    'edits in y-prosemirror\'s layout, caret and "typing" in awareness on every key), not browsers: on this 2-core ' +
    'machine more renderers would take the CPU that the measured browser would have on a real desktop.';
  const results: ScenarioResult[] = [
    {
      id: 'browser-load',
      title: '7a. Browser: open a 100k-character document',
      description:
        'A fresh Chromium context (no HTTP cache, service worker or IndexedDB copy) opens a new copy of the document; ' +
        'times are from navigation start. "Document shown": every block rendered and that frame produced. ' +
        '"Interactive": a key typed as soon as the document is shown has been painted (includes a few ms of ' +
        'Playwright round trip). "Warm": the same context reloads it (app shell from the service worker, ' +
        "document from IndexedDB and the server's memory).",
      config: { ...config, blocks: doc.blocks, markdownBytes: doc.markdown.length },
      servers: kinds,
      metrics: LOAD_METRICS,
      reps: Object.fromEntries(kinds.map((k) => [k, repsOf.get(k)!.map((r) => r.load)])),
      notes: [
        docNote,
        `Service worker active before the warm load: ${reps.filter((r) => r.serviceWorker).length} of ${reps.length} repetitions.`,
      ],
      seconds,
    },
    typingResult(
      {
        id: 'browser-typing',
        title: '7b. Browser: keystroke → paint while two others type',
        description:
          `The measured user types ${keysPerRep} keys per repetition (one every ${config.keyIntervalMs} ms) at the end of a paragraph ` +
          others(2) +
          'Target: p95 ≤ 16 ms. ' +
          floorNote(keysPerRep),
        config: { ...config, keysPerRep, floorKeys: floorKeys(keysPerRep) },
        seconds,
      },
      reps,
      [
        typistsNote,
        `Control: with a ${CONTROL_BLOCK_MS} ms busy keydown handler the probe measured a median of ` +
          `${controlMedian.toFixed(1)} ms over ${control.length} keys (must be ≥ ${CONTROL_BLOCK_MS}).`,
        '"keys > 16 ms (Event Timing)": keystrokes whose keydown, keypress or input entry Chromium itself timed above ' +
          "16 ms (to the frame's presentation, rounded to 8 ms).",
        docNote,
      ],
      repsOf.get('tandem-before'),
    ),
  ];
  const crowdOf = (k: ServerKind) =>
    (repsOf.get(k) ?? []).flatMap((r) => (r.crowd ? [{ ...r.crowd, floor: r.floor }] : []));
  const crowdReps = crowdOf('tandem');
  if (crowdReps.length > 0)
    results.push(
      typingResult(
        {
          id: 'browser-typing-crowd',
          title: `7b'. Browser: keystroke → paint while ${config.crowd} others type`,
          description:
            `Right after 7b in the same page, ${config.crowd - 2} more people join; the measured user types ${keysPerRep} keys ` +
            `more ` +
            others(config.crowd) +
            `Target: p95 ≤ 16 ms. The floor is 7b's.`,
          config: { ...config, keysPerRep },
          seconds,
        },
        crowdReps,
        [typistsNote, docNote],
        crowdOf('tandem-before'),
      ),
    );
  if (big && bigReps.length > 0)
    results.push(
      typingResult(
        {
          id: 'browser-typing-big',
          title: `7c. Browser: keystroke → paint in a ${Math.round(big.chars / 1000).toLocaleString('en-US')}k-character document while two others type`,
          description:
            `The same generator at ${big.chars.toLocaleString('en-US')} characters; a fresh copy and context per repetition ` +
            `(cold load only). The measured user types ${bigKeysPerRep} keys per repetition ` +
            others(2) +
            'Target: p95 ≤ 33 ms. ' +
            floorNote(bigKeysPerRep),
          config: { ...config, bigKeysPerRep, blocks: big.blocks },
          seconds,
        },
        bigReps,
        [
          `Cold load of the big document (median of ${bigReps.length}): first paint ${median(bigReps.map((r) => r.load.fcp!)).toFixed(0)} ms, ` +
            `shown ${median(bigReps.map((r) => r.load.content!)).toFixed(0)} ms, interactive ${median(bigReps.map((r) => r.load.interactive!)).toFixed(0)} ms.`,
          typistsNote,
          describeDoc(big, version),
        ],
        bigRepsOf.get('tandem-before'),
      ),
    );
  return results;
}
