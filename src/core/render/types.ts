/**
 * The platform-free form of a statement. A template's markup becomes spans with formatting
 * flags; a variable's value is always a span of literal text (`fromValue`), so nothing a
 * drafter types can become formatting, a link or a line break.
 */
export type Span = {
  text: string;
  bold?: true;
  italic?: true;
  code?: true;
  /** The target of a `[text](url)` link in the template (the URL may come from a value). */
  href?: string;
  fromValue?: true;
};

/** A paragraph. A '\n' inside span text is a line break within the block. */
export type Block = { spans: Span[] };

export type Doc = { blocks: Block[] };

/** The subset of Telegram's MessageEntity that herald produces; offsets in UTF-16 code units. */
export type TelegramEntity =
  | { type: 'bold' | 'italic' | 'code'; offset: number; length: number }
  | { type: 'text_link'; offset: number; length: number; url: string };

export type TelegramPart = { text: string; entities: TelegramEntity[] };

export interface LimitOptions {
  /** Maximum size of one message, in the platform's own unit (see each renderer). */
  limit?: number;
  /**
   * X only: a word put before every post's numbering ("Correction 2/3"), also on a single post.
   * X refuses a post whose text equals a recent one, so a correction's posts must differ from the original's.
   */
  label?: string;
}
