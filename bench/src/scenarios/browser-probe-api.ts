/** What the in-page probe (browser-probe.js) records and offers, typed for both sides. */

/** Milestones of one page load, in ms since navigation start (the page's performance.now()). */
export interface ProbeMarks {
  /** First contentful paint (the app shell). */
  fcp?: number;
  /** The ProseMirror element is in the DOM (still empty until y-prosemirror renders the document). */
  editor?: number;
  /** Every top-level block is rendered and the frame that shows them has been produced. */
  content?: number;
  /** The first keystroke after load: when the browser received it… */
  probeKeyDown?: number;
  /** …and when the frame showing the typed character was produced: interactive. */
  interactive?: number;
}

/** One keystroke: page times (ms since navigation start) of its way to the screen. */
export interface KeySample {
  /** The keydown event's timeStamp: when the browser received the key. */
  t0: number;
  /** Our keydown listener ran (the first on the page): the key waited for the main thread until then. */
  handler: number;
  /** The editor had handled the change (a microtask queued from the input event, after ProseMirror's). */
  handled: number;
  /** Our animation callback in the next frame ran: the main thread began producing that frame. */
  frame: number;
  /** That frame had been produced (a message posted from the callback ran): painted. */
  painted: number;
}

/** An Event Timing entry (keydown, input…) of at least 16 ms, as Chromium itself measured it. */
export interface SlowEvent {
  name: string;
  start: number;
  /** From the event's timeStamp to the next paint after its handlers, rounded to 8 ms. */
  duration: number;
  interactionId: number;
}

/** A long task (≥ 50 ms on the main thread). */
export interface LongTask {
  start: number;
  duration: number;
}

/** Set before the probe is installed (an init script of its own). */
export interface ProbeConfig {
  /** Top-level blocks of the document: "content shown" means this many are rendered. */
  blocks: number;
}

/** `window.__tandemBench`: installed in every page of the scenario's contexts. */
export interface PageProbe {
  readonly marks: ProbeMarks;
  /** Starts (clearing earlier samples) or stops recording keystrokes. */
  record(on: boolean): void;
  /** Keystrokes recorded since the last record(true). */
  samples(): KeySample[];
  /** Event Timing entries of ≥ 16 ms since the page loaded. */
  slowEvents(): SlowEvent[];
  longTasks(): LongTask[];
  /** Focuses the editor and puts the caret at the end of top-level block `index`, centred on screen. */
  placeCaretAtEnd(index: number): Promise<boolean>;
  /** Text of top-level block `index` without other people's carets. */
  blockText(index: number): string;
  /** Characters of text in the editor. */
  textLength(): number;
  /** Other people's carets on the page. */
  remoteCarets(): number;
  /** Waits (at most `timeoutMs`) for every change to be stored and the service worker to be active. */
  settle(timeoutMs: number): Promise<{ saved: boolean; serviceWorker: boolean }>;
  /** Control: every keydown busy-waits this long first (0 turns it off). */
  blockKeydown(ms: number): void;
  /**
   * The floor: swaps the editor for a plain copy of its DOM (still contenteditable, same styles)
   * that no editor code watches. Typing there costs only what the browser itself needs.
   */
  detachEditor(): boolean;
}

declare global {
  interface Window {
    __tandemBench?: PageProbe;
    __tandemBenchConfig?: ProbeConfig;
  }
}
