export {
  MAX_NAME_LENGTH,
  cleanColor,
  cleanName,
  cleanUserId,
  parsePresenceUser,
  readPresence,
  type PresenceCursor,
  type PresenceState,
  type PresenceUser,
} from './state.js';
