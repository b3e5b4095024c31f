export type {
  ChangeType,
  DiffChange,
  DiffHiddenRun,
  DiffTruncation,
  MarkJSON,
  NodeJSON,
  StateContent,
  StateDiff,
} from './types.js';
export { boundDiff, jsonNodeSize, utf8Length, type BoundedDiff, type BoundOptions } from './bound.js';
export { decodeState, docJSON, encodeState, stateContains, stateContent, stateVectorOf } from './snapshot.js';
export { diffStates, mergeAdjacentChanges } from './diff.js';
export { blockCount, restoreBlock, restoreState, restoreUpdate } from './restore.js';
