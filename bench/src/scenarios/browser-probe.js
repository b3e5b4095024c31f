// @ts-check
/**
 * In-page probe of the browser scenario, added with page.addInitScript so it runs before the
 * app on every navigation. Plain JavaScript so it reaches the page exactly as written: tsx
 * would wrap TypeScript functions in a naming helper the page does not have.
 *
 * Keystroke to paint: from the keydown event's timeStamp (when the browser received the key,
 * so time spent waiting for a busy main thread counts) until the frame after the text changed
 * has been produced, i.e. a requestAnimationFrame callback requested once the `input` event
 * shows the change, then a message posted from it (which runs after that frame's style,
 * layout and paint).
 */
(() => {
  /** @typedef {import('./browser-probe-api.js').KeySample} KeySample */
  /** @typedef {import('./browser-probe-api.js').SlowEvent} SlowEvent */
  /** @typedef {import('./browser-probe-api.js').LongTask} LongTask */
  const config = window.__tandemBenchConfig ?? { blocks: 1 };
  /** @type {import('./browser-probe-api.js').ProbeMarks} */
  const marks = {};
  /** @type {KeySample[]} */
  let samples = [];
  /** @type {SlowEvent[]} */
  const slow = [];
  /** @type {LongTask[]} */
  const longTasks = [];
  let recording = false;
  /** The first keystroke after load times "interactive". */
  let probing = true;
  /** @type {{ t0: number; handler: number } | null} */
  let pending = null;
  let keydownBlockMs = 0;

  /** @param {(frame: number, painted: number) => void} done called just after the next frame has been produced */
  const afterPaint = (done) =>
    requestAnimationFrame(() => {
      const frame = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(frame, performance.now());
      channel.port2.postMessage(null);
    });

  /**
   * @param {string} type
   * @param {(entry: PerformanceEntry) => void} take
   * @param {Record<string, unknown>} [extra]
   */
  const observe = (type, take, extra = {}) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(take)).observe({ type, buffered: true, ...extra });
    } catch {
      // This browser lacks the entry type: the numbers stay empty.
    }
  };
  observe('paint', (e) => {
    if (e.name === 'first-contentful-paint') marks.fcp = e.startTime;
  });
  observe(
    'event',
    (e) => {
      const entry = /** @type {PerformanceEventTiming} */ (e);
      slow.push({
        name: entry.name,
        start: entry.startTime,
        duration: entry.duration,
        interactionId: entry.interactionId,
      });
    },
    { durationThreshold: 16 },
  );
  observe('longtask', (e) => longTasks.push({ start: e.startTime, duration: e.duration }));

  // Content shown: checked once a frame (a query and a child count, cheap) until every block is rendered.
  const started = performance.now();
  const poll = () => {
    const editor = document.querySelector('.ProseMirror');
    if (editor && marks.editor === undefined) marks.editor = performance.now();
    if (editor && editor.childElementCount >= config.blocks) {
      // We are inside this frame's animation callbacks: the message runs once it is produced.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (marks.content = performance.now());
      channel.port2.postMessage(null);
      return;
    }
    if (performance.now() - started < 120_000) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);

  window.addEventListener(
    'keydown',
    (event) => {
      if (!event.isTrusted) return;
      pending = { t0: event.timeStamp, handler: performance.now() };
      if (keydownBlockMs > 0) {
        const until = performance.now() + keydownBlockMs;
        while (performance.now() < until) {
          // The control: a main thread blocked this long must show in the numbers.
        }
      }
    },
    true,
  );
  window.addEventListener(
    'input',
    () => {
      const key = pending;
      pending = null;
      if (!key) return;
      if (probing) {
        probing = false;
        marks.probeKeyDown = key.t0;
        afterPaint((_frame, painted) => (marks.interactive = painted));
        return;
      }
      if (!recording) return;
      const into = samples;
      // ProseMirror reads the change in its MutationObserver callback, a microtask queued before this one.
      queueMicrotask(() => {
        const handled = performance.now();
        afterPaint((frame, painted) => into.push({ t0: key.t0, handler: key.handler, handled, frame, painted }));
      });
    },
    true,
  );

  const editorElement = () => document.querySelector('.ProseMirror');

  /** @type {import('./browser-probe-api.js').PageProbe} */
  const probe = {
    marks,
    record(on) {
      if (on) samples = [];
      recording = on;
    },
    samples: () => [...samples],
    slowEvents: () => [...slow],
    longTasks: () => [...longTasks],
    async placeCaretAtEnd(index) {
      const editor = editorElement();
      const block = editor?.children[index];
      if (!(editor instanceof HTMLElement) || !block) return false;
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      /** @type {Text | null} */
      let last = null;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) last = /** @type {Text} */ (node);
      if (!last) return false;
      editor.focus();
      block.scrollIntoView({ block: 'center' });
      // ProseMirror reads the selection in its own selectionchange listener; wait for it (no event if unchanged).
      const applied = new Promise((resolve) => {
        const fallback = setTimeout(resolve, 300);
        document.addEventListener('selectionchange', () => setTimeout(() => (clearTimeout(fallback), resolve(null))), {
          once: true,
        });
      });
      const range = document.createRange();
      range.setStart(last, last.length);
      range.collapse(true);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      await applied;
      return true;
    },
    blockText(index) {
      const block = editorElement()?.children[index];
      if (!block) return '';
      const clone = /** @type {Element} */ (block.cloneNode(true));
      clone.querySelectorAll('.ProseMirror-yjs-cursor').forEach((node) => node.remove());
      return clone.textContent ?? '';
    },
    textLength: () => editorElement()?.textContent?.length ?? 0,
    remoteCarets: () => document.querySelectorAll('.ProseMirror-yjs-cursor').length,
    async settle(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      const status = () => document.querySelector('[data-testid="connection-status"]');
      const saved = () =>
        status()?.getAttribute('data-connection') === 'synced' && status()?.getAttribute('data-save') === 'saved';
      const serviceWorker =
        'serviceWorker' in navigator
          ? Promise.race([
              navigator.serviceWorker.ready.then(() => true),
              new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs)),
            ])
          : Promise.resolve(false);
      while (!saved() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return { saved: saved(), serviceWorker: Boolean(await serviceWorker) };
    },
    blockKeydown(ms) {
      keydownBlockMs = ms;
    },
    detachEditor() {
      const editor = editorElement();
      if (!editor) return false;
      // A deep copy has the same DOM and styles, but no ProseMirror, Yjs or Svelte behind it.
      editor.replaceWith(editor.cloneNode(true));
      return true;
    },
  };
  window.__tandemBench = probe;
})();
