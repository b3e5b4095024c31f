export { PROTOCOL_VERSION } from './version.js';
export { WIRE_PARSER } from './parser.js';
export { ErrorCode, type DocError } from './errors.js';
export { MAX_DOC_ID_LENGTH, isValidDocId, newDocId } from './docId.js';
export {
  toBytes,
  type AckResult,
  type ClientToServerEvents,
  type JoinRequest,
  type Role,
  type ServerToClientEvents,
} from './events.js';
export {
  SyncMessageType,
  decodeSyncMessage,
  encodeStep1,
  encodeStep1FromStateVector,
  encodeStep2,
  encodeStep2FromUpdate,
  encodeUpdate,
  type SyncMessage,
} from './messages.js';
