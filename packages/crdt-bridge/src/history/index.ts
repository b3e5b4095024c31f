export type { ChangeType, DiffChange, MarkJSON, NodeJSON, StateContent, StateDiff, VersionJSON } from './types.js';
export { decodeState, docJSON, encodeState, stateContains, stateContent, stateVectorOf } from './snapshot.js';
export { diffStates, mergeAdjacentChanges } from './diff.js';
export { blockCount, restoreBlock, restoreState, restoreUpdate } from './restore.js';
