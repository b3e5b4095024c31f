export type { ErrorBodyJSON } from './errors.js';
export type {
  CreateDocumentRequest,
  DocumentDetailJSON,
  DocumentJSON,
  DocumentPageJSON,
  DocumentSearchHitJSON,
  ImportDocumentRequest,
  ImportDocumentResponse,
  RenameDocumentRequest,
  SearchSnippetJSON,
} from './documents.js';
export type {
  AuthorColorsJSON,
  DiffChangeJSON,
  DiffJSON,
  DiffSideJSON,
  NameVersionRequest,
  RestoreRequest,
  RestoreResultJSON,
  VersionContentJSON,
  VersionJSON,
  VersionListJSON,
} from './versions.js';
export type { CreateShareLinkRequest, ShareLinkJSON, ShareLinkListJSON } from './links.js';
export type { TrashEntryJSON, TrashListJSON } from './trash.js';
export type { CommentThreadJSON, CommentsJSON } from './comments.js';
