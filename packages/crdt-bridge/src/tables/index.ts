export { collabTableEditing, isRemoteChange } from './collabTableEditing.js';
export { onSoundTables } from './soundTable.js';
