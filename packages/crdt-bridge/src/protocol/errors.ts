/**
 * Named error codes the server sends when it refuses something a client asked for.
 * Each is scoped to the one client (and usually the one document) that caused it.
 */
export const ErrorCode = {
  /** The join named a protocol version this server does not speak. */
  ProtocolVersionMismatch: 'PROTOCOL_VERSION_MISMATCH',
  /** The document id is empty, too long or uses characters outside [A-Za-z0-9_-]. */
  InvalidDocId: 'INVALID_DOC_ID',
  /** The event's arguments are not of the documented shape (wrong types, missing bytes). */
  InvalidMessage: 'INVALID_MESSAGE',
  /** The bytes are not a well-formed y-protocols sync message or Yjs V1 update. */
  MalformedUpdate: 'MALFORMED_UPDATE',
  /** The update adds content the document schema does not allow (unknown nodes, bad links…). Nothing was applied. */
  SchemaViolation: 'SCHEMA_VIOLATION',
  /** The update builds on changes the server has never seen; the client should re-sync. */
  MissingDependencies: 'MISSING_DEPENDENCIES',
  /** A message named a document this connection has not joined. */
  NotJoined: 'NOT_JOINED',
  /** The message exceeds the server's size limit for its kind. */
  MessageTooLarge: 'MESSAGE_TOO_LARGE',
  /** The document could not be read from storage; joining again may succeed. */
  LoadFailed: 'LOAD_FAILED',
  /** Storage is failing; updates are held in memory and will be acknowledged once stored. */
  StorageUnavailable: 'STORAGE_UNAVAILABLE',
  /** The connection presented no valid access token (token mode); sign in with a new link. */
  Unauthorized: 'UNAUTHORIZED',
  /** The message touches something this connection may not change (a viewer editing, another client's presence). */
  Forbidden: 'FORBIDDEN',
  /** This connection has too many documents open. */
  TooManyDocuments: 'TOO_MANY_DOCUMENTS',
  /** This connection sent messages faster than the server allows; it is being closed (reconnecting is fine). */
  RateLimited: 'RATE_LIMITED',
  /** This connection joined no document in time after connecting; it is being closed. */
  JoinTimeout: 'JOIN_TIMEOUT',
  /** The document was deleted (now, or before this join); the client should stop editing it and never rejoin. */
  DocumentDeleted: 'DOCUMENT_DELETED',
  /**
   * The document was moved to Trash (now, or before this join). Stop syncing it; it can be
   * restored (`POST /api/trash/<id>/restore`), after which joining it again works.
   */
  DocumentInTrash: 'DOCUMENT_IN_TRASH',
  /**
   * The access link this connection signed in with was revoked (or expired) while it was open:
   * the server drops it from its documents and closes it. Stop syncing; a new link is needed.
   */
  AccessRevoked: 'ACCESS_REVOKED',
  /** The joined document does not exist, and this connection's role may not create it (a viewer). */
  DocumentNotFound: 'DOCUMENT_NOT_FOUND',
  /** Over a quota that is not about message rate, e.g. documents created per hour; the message says when to try again. */
  QuotaExceeded: 'QUOTA_EXCEEDED',
  /** The server is at its connection limit and refused this connection in the handshake; try again later. */
  ServerBusy: 'SERVER_BUSY',
  /** Something went wrong on the server that is not the client's fault. */
  Internal: 'INTERNAL',
} as const;

/** One of the named error codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error the server reports about one document to one client. */
export interface DocError {
  /** The document concerned; absent when the error is about the connection as a whole. */
  docId?: string;
  code: ErrorCode;
  /** A sentence a person can read; not meant for parsing. */
  message: string;
}
