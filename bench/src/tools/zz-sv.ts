import * as Y from 'yjs';
import { loadTrace, replaySequential, type SequentialTrace } from '../lib/traces.js';
const loaded = loadTrace('automerge-paper');
for (const times of [1, 10]) {
  const doc = new Y.Doc();
  replaySequential(loaded.trace as SequentialTrace, doc, times);
  const state = Y.encodeStateAsUpdate(doc);
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    const d2 = new Y.Doc();
    Y.applyUpdate(d2, state);
    const apply = performance.now() - t;
    t = performance.now();
    const sv = Y.encodeStateVectorFromUpdate(state);
    const svt = performance.now() - t;
    t = performance.now();
    Y.parseUpdateMeta(state);
    const meta = performance.now() - t;
    console.log(
      `x${times} ${(state.byteLength / 1024).toFixed(0)} KB apply ${apply.toFixed(1)} ms, svFromUpdate ${svt.toFixed(1)} ms, parseUpdateMeta ${meta.toFixed(1)} ms, sv ${sv.byteLength} B`,
    );
  }
}
