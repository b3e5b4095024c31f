/**
 * Test harness for N-client tests against a real Tandem server: seeded random edits,
 * peers that go offline and back, convergence waits, an acknowledgement ledger and
 * editing-trace replay. Node-only (it reads files and uses Buffer), so it is exported
 * as `@tandem/crdt-bridge/testing` and never from the package index.
 */
export { createRandom, type Random } from './random.js';
export { TEST_TEXT, randomEdits, randomTextEdit, randomXmlEdit, startRandomEditing } from './edits.js';
export { randomCommentEdit, randomSuggestionEdit, testPerson } from './commentEdits.js';
export {
  createPeers,
  describePeers,
  goOffline,
  goOnline,
  isConverged,
  isOnline,
  sameState,
  stateFingerprint,
  visibleContent,
  waitForConvergence,
  waitUntil,
  type Peer,
  type WaitOptions,
} from './peers.js';
export { AckLedger, containsUpdate, containsUpdateInState } from './ledger.js';
export {
  TraceReplay,
  agentClientId,
  readConcurrentTrace,
  replayLocally,
  replayThroughDocs,
  type ConcurrentTrace,
  type ConcurrentTraceTxn,
  type ReplayOptions,
  type TracePatch,
} from './traces.js';
