import { HeraldError } from '../errors';
import { findForbiddenCharacter } from './chars';
import { mergeSpans, trimBlock } from './spans';
import { TOKEN_CLOSE, TOKEN_OPEN, valueText } from './tokens';
import type { Block, Doc, Span } from './types';
import { SCHEME_URL_AT, trimUrlEnd } from './urls';

/**
 * Template markup → Doc. The source is the template's output with every value replaced by a
 * token, so only the template's own characters can be markup; values are substituted as
 * literal text spans at the end.
 *
 * Markup: blocks separated by blank lines; single newlines are line breaks; `**bold**`,
 * `_italic_` (only at word edges, so snake_case stays literal), `` `code` ``, `[text](url)`,
 * lines starting `- ` become `• ` items. `\*`, `\_`, `` \` ``, `\[`, `\]`, `\(`, `\)`, `\-`,
 * `\\` write the character literally. `[x]` not followed by `(url)` is literal text; URLs with a
 * scheme are literal (no markup inside them).
 */

type Piece = { kind: 'text'; text: string } | { kind: 'value'; index: number };
type Node =
  | Piece
  | { kind: 'bold' | 'italic'; children: Node[] }
  | { kind: 'code'; children: Piece[] }
  | { kind: 'link'; children: Node[]; href: Piece[] };
type FrameKind = 'root' | 'bold' | 'italic' | 'link';
type Frame = { kind: FrameKind; children: Node[]; at: number };

const TOKEN = /\uE000(\d+)\uE001/gu;
const TOKEN_AT = /\uE000(\d+)\uE001/uy;
const ESCAPABLE = new Set(['\\', '*', '_', '`', '[', ']', '(', ')', '-']);
const MARKER: Record<FrameKind | 'code', string> = { root: '', bold: '**', italic: '_', link: '[', code: '`' };
const WHAT: Record<FrameKind | 'code', string> = { root: '', bold: 'bold', italic: 'italic', link: 'link', code: 'code' };

const invalid = (message: string) => new HeraldError('invalid_input', message);

export function parseStatement(source: string, values: readonly string[]): Doc {
  values.forEach((v, n) => {
    const bad = findForbiddenCharacter(v);
    if (bad) throw invalid(`Value #${n} contains ${describe(bad)} at position ${bad.index + 1}.`);
  });
  const text = source.replace(/\r\n?/gu, '\n');
  const blocks: Block[] = [];
  for (const raw of splitBlocks(text)) {
    const parser = new InlineParser(raw.text, raw.line, values.length);
    const spans = flatten(parser.parse(), values, {});
    const block = trimBlock({ spans: mergeSpans(spans) });
    if (block.spans.length) blocks.push(block);
  }
  return { blocks };
}

function describe(bad: { codePoint: number; name: string }): string {
  return `an invisible or control character U+${bad.codePoint.toString(16).toUpperCase().padStart(4, '0')} (${bad.name})`;
}

/** Paragraphs with the line each starts on; also refuses invisible characters in template text. */
function splitBlocks(text: string): Array<{ text: string; line: number }> {
  const blocks: Array<{ text: string; line: number }> = [];
  let lines: string[] = [];
  let first = 0;
  text.split('\n').forEach((line, n) => {
    const own = line.replace(TOKEN, ' ');
    if (own.includes(TOKEN_OPEN) || own.includes(TOKEN_CLOSE)) {
      throw invalid(`Line ${n + 1} of the template output has a broken value marker.`);
    }
    const bad = findForbiddenCharacter(own);
    if (bad) throw invalid(`Line ${n + 1} of the template contains ${describe(bad)}.`);
    if (/^\s*$/u.test(line)) {
      if (lines.length) blocks.push({ text: lines.join('\n'), line: first });
      lines = [];
      return;
    }
    if (!lines.length) first = n + 1;
    lines.push(line.replace(/[ \t]+$/u, '').replace(/^(\s*)- /u, '$1• '));
  });
  if (lines.length) blocks.push({ text: lines.join('\n'), line: first });
  return blocks;
}

const isWordish = (ch: string | undefined) =>
  ch !== undefined && (/[\p{L}\p{N}]/u.test(ch) || ch === TOKEN_OPEN || ch === TOKEN_CLOSE);
const isSpace = (ch: string | undefined) => ch === undefined || /\s/u.test(ch);

class InlineParser {
  private readonly stack: Frame[] = [{ kind: 'root', children: [], at: 0 }];
  private buf = '';
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly firstLine: number,
    private readonly valueCount: number,
  ) {}

  parse(): Node[] {
    const { s } = this;
    while (this.i < s.length) this.step(s[this.i]!);
    this.flush();
    while (this.stack.length > 1) {
      const frame = this.stack.pop()!;
      if (frame.kind !== 'link') throw this.unclosed(frame);
      this.literal(frame, false);
    }
    return this.stack[0]!.children;
  }

  private step(c: string): void {
    const { s, i } = this;
    if (c === TOKEN_OPEN) {
      this.flush();
      TOKEN_AT.lastIndex = i;
      const m = TOKEN_AT.exec(s)!; // splitBlocks has checked every marker is well formed
      this.top().children.push(this.value(Number(m[1])));
      this.i += m[0].length;
    } else if (c === '\\' && ESCAPABLE.has(s[i + 1] ?? '')) {
      this.buf += s[i + 1];
      this.i += 2;
    } else if (!isWordish(s[i - 1]) && this.url()) {
      // handled
    } else if (c === '`') {
      const close = s.indexOf('`', i + 1);
      if (close < 0) throw this.unclosed({ kind: 'code', at: i });
      if (close === i + 1) throw invalid(`Unbalanced markup on line ${this.line(i)}: an empty code span \`\`.`);
      this.flush();
      this.top().children.push({ kind: 'code', children: this.pieces(s.slice(i + 1, close)) });
      this.i = close + 1;
    } else if (s.startsWith('**', i)) {
      this.toggle('bold');
      this.i += 2;
    } else if (c === '_') {
      this.underscore();
      this.i += 1;
    } else if (c === '[' && !this.stack.some((f) => f.kind === 'link')) {
      this.flush();
      this.stack.push({ kind: 'link', children: [], at: i });
      this.i += 1;
    } else if (c === ']' && this.stack.some((f) => f.kind === 'link')) {
      this.closeLink();
    } else {
      this.buf += c;
      this.i += 1;
    }
  }

  /** A URL with a scheme is taken whole, so `_` and `**` inside it are not markup. */
  private url(): boolean {
    SCHEME_URL_AT.lastIndex = this.i;
    const m = SCHEME_URL_AT.exec(this.s);
    if (!m) return false;
    const url = trimUrlEnd(m[0]);
    if (!/:\/\/./u.test(url)) return false;
    this.flush();
    this.top().children.push(...this.pieces(url));
    this.i += url.length;
    return true;
  }

  private toggle(kind: 'bold' | 'italic'): void {
    this.flush();
    const top = this.top();
    if (top.kind === kind) {
      this.stack.pop();
      if (!top.children.length) {
        throw invalid(`Unbalanced markup on line ${this.line(top.at)}: empty ${MARKER[kind]}${MARKER[kind]} (${kind}).`);
      }
      this.top().children.push({ kind, children: top.children });
    } else if (this.stack.some((f) => f.kind === kind)) {
      throw this.misnested(top, kind);
    } else {
      this.stack.push({ kind, children: [], at: this.i });
    }
  }

  /** `_` is italic only at word edges, so identifiers like pool_id stay as they are. */
  private underscore(): void {
    const prev = this.s[this.i - 1];
    const next = this.s[this.i + 1];
    const open = this.stack.some((f) => f.kind === 'italic');
    if (open && !isSpace(prev) && !isWordish(next)) this.toggle('italic');
    else if (!open && !isWordish(prev) && !isSpace(next)) this.toggle('italic');
    else this.buf += '_';
  }

  private closeLink(): void {
    const { s, i } = this;
    const top = this.top();
    if (top.kind !== 'link') throw this.misnested(top, 'link');
    this.flush();
    this.stack.pop();
    if (s[i + 1] !== '(') {
      this.literal(top, true);
      this.i += 1;
      return;
    }
    const end = closingParen(s, i + 1);
    if (end < 0) throw invalid(`Unbalanced markup on line ${this.line(i)}: the link's "(" is never closed by ")".`);
    const href = s.slice(i + 2, end).trim();
    if (!href) throw invalid(`Unbalanced markup on line ${this.line(i)}: a link with no URL in "()".`);
    if (!top.children.length) throw invalid(`Unbalanced markup on line ${this.line(top.at)}: a link with no text in "[]".`);
    this.top().children.push({ kind: 'link', children: top.children, href: this.pieces(href) });
    this.i = end + 1;
  }

  /** `[UPDATE]` is a word in brackets, not a link. */
  private literal(frame: Frame, closed: boolean): void {
    const into = this.top().children;
    into.push({ kind: 'text', text: '[' }, ...frame.children);
    if (closed) into.push({ kind: 'text', text: ']' });
  }

  private pieces(raw: string): Piece[] {
    const out: Piece[] = [];
    let last = 0;
    for (const m of raw.matchAll(TOKEN)) {
      if (m.index > last) out.push({ kind: 'text', text: raw.slice(last, m.index) });
      out.push(this.value(Number(m[1])));
      last = m.index + m[0].length;
    }
    if (last < raw.length) out.push({ kind: 'text', text: raw.slice(last) });
    return out;
  }

  private value(index: number): Piece {
    if (!(index < this.valueCount)) {
      throw invalid(`The template output refers to value #${index}, but only ${this.valueCount} values were given.`);
    }
    return { kind: 'value', index };
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private flush(): void {
    if (this.buf) this.top().children.push({ kind: 'text', text: this.buf });
    this.buf = '';
  }

  private line(pos: number): number {
    return this.firstLine + (this.s.slice(0, pos).match(/\n/gu)?.length ?? 0);
  }

  private unclosed(frame: { kind: FrameKind | 'code'; at: number }): HeraldError {
    const m = MARKER[frame.kind];
    return invalid(
      `Unbalanced markup on line ${this.line(frame.at)}: "${m}" (${WHAT[frame.kind]}) is opened but never closed in its paragraph; close it, or write \\${m[0]} for a literal ${m[0]}.`,
    );
  }

  private misnested(inner: Frame, closing: FrameKind): HeraldError {
    return invalid(
      `Unbalanced markup on line ${this.line(this.i)}: "${MARKER[closing]}" (${WHAT[closing]}) closes while "${MARKER[inner.kind]}" (${WHAT[inner.kind]}) opened on line ${this.line(inner.at)} is still open; close the ${WHAT[inner.kind]} first.`,
    );
  }
}

/** The `)` matching the `(` at `open`, allowing balanced parentheses inside the URL. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (c === '\n') return -1;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  return -1;
}

type Attrs = Omit<Span, 'text' | 'fromValue'>;

function flatten(nodes: readonly Node[], values: readonly string[], attrs: Attrs): Span[] {
  const out: Span[] = [];
  const textOf = (p: Piece) => (p.kind === 'text' ? p.text : valueText(values[p.index]!));
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out.push({ text: n.text, ...attrs });
        break;
      case 'value':
        out.push({ text: textOf(n), ...attrs, fromValue: true });
        break;
      case 'bold':
        out.push(...flatten(n.children, values, { ...attrs, bold: true }));
        break;
      case 'italic':
        out.push(...flatten(n.children, values, { ...attrs, italic: true }));
        break;
      case 'code':
        out.push(...flatten(n.children, values, { ...attrs, code: true }));
        break;
      case 'link':
        out.push(...flatten(n.children, values, { ...attrs, href: hrefOf(n.href.map(textOf).join('')) }));
        break;
    }
  }
  return out;
}

/** A space cannot be part of a URL; encoding it keeps the link whole on every platform. */
const hrefOf = (raw: string) =>
  raw.trim().replace(/\s/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
