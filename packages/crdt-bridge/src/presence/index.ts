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
export {
  LABEL_TEXT_DARK,
  LABEL_TEXT_LIGHT,
  MIN_LABEL_CONTRAST,
  USER_COLORS,
  contrastRatio,
  labelTextColor,
  relativeLuminance,
  type UserColor,
} from './colors.js';
