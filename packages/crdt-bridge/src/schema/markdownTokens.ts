import type { Attrs, Mark, MarkType, NodeType } from 'prosemirror-model';

/** Just enough of prosemirror-markdown's parse state for the custom token handlers. */
export interface ParseState {
  openMark(mark: Mark): void;
  closeMark(mark: MarkType): void;
  openNode(type: NodeType, attrs: Attrs | null): void;
  closeNode(): unknown;
  addNode(type: NodeType, attrs: Attrs | null, content?: readonly unknown[]): unknown;
  addText(text: string): void;
}

/** Just enough of a markdown-it token. */
export interface Token {
  type: string;
  content: string;
  info: string;
  tag: string;
  markup: string;
  attrGet(name: string): string | null;
}

/** Handles one token while prosemirror-markdown builds the document. */
export type TokenHandler = (state: ParseState, token: Token, tokens: Token[], index: number) => void;

/** prosemirror-markdown's table of token handlers, by token type. */
export type TokenHandlers = Record<string, TokenHandler>;
