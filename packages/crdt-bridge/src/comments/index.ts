export {
  COMMENTS_MAP,
  COMMENT_ID,
  MAX_MENTIONS,
  MAX_MESSAGE_LENGTH,
  MAX_QUOTE_LENGTH,
  parseAnchor,
  parseMessage,
  parsePerson,
  type CommentAnchor,
  type CommentMessage,
  type CommentPerson,
  type CommentThread,
  type ThreadStatus,
} from './model.js';
export {
  FIXED_THREAD_FIELDS,
  commentsMap,
  createThread,
  deleteMessage,
  deleteThread,
  putMessage,
  readThread,
  readThreads,
  setThreadStatus,
  type NewThread,
} from './threads.js';
export { anchoredText, suggestionText, type AnchoredText } from './anchors.js';
export { threadJson } from './json.js';
