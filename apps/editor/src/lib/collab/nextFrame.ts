import type { RemoteScheduler } from '@tandem/crdt-bridge';

/** How long held changes may wait when no frame comes (a hidden tab draws none). */
const NO_FRAME_MS = 100;

/**
 * Calls `flush` at the start of the next animation frame, before it is laid out and drawn, so
 * everything that arrived since the last frame is shown in one redraw; or after
 * {@link NO_FRAME_MS} if the page draws no frames (in the background), so it is never held long.
 */
export const nextFrame: RemoteScheduler = (flush) => {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    flush();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, NO_FRAME_MS);
};
