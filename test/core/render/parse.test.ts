import { describe, expect, it } from 'vitest';
import { HeraldError } from '../../../src/core/errors';
import { docToPlainText, parseStatement, valueToken } from '../../../src/core/render';
import { template } from '../../support/render';

const errorOf = (fn: () => unknown): HeraldError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HeraldError);
    return err as HeraldError;
  }
  throw new Error('expected an error');
};

describe('parseStatement', () => {
  it('reads blocks, line breaks, bold, italic, code, links and list items', () => {
    const doc = template(
      '**Status:** _paused_ since `block 19,000,000`.\nSee [the status page](https://status.acme.finance).\n\n\n- pools paused\n- bridge open',
    );
    expect(doc.blocks).toHaveLength(2);
    expect(doc.blocks[0]!.spans).toEqual([
      { text: 'Status:', bold: true },
      { text: ' ' },
      { text: 'paused', italic: true },
      { text: ' since ' },
      { text: 'block 19,000,000', code: true },
      { text: '.\nSee ' },
      { text: 'the status page', href: 'https://status.acme.finance' },
      { text: '.' },
    ]);
    expect(docToPlainText(doc)).toBe(
      'Status: paused since block 19,000,000.\nSee the status page (https://status.acme.finance).\n\n• pools paused\n• bridge open',
    );
  });

  it('puts values in as literal text: markup, newlines and blank lines in a value do nothing', () => {
    const doc = template('**Affected:** {{pools}}', { pools: '**Pool A**\n\n- _Pool B_ [x](https://evil.example)' });
    expect(doc.blocks).toHaveLength(1);
    expect(doc.blocks[0]!.spans).toEqual([
      { text: 'Affected:', bold: true },
      { text: ' ' },
      { text: '**Pool A**  - _Pool B_ [x](https://evil.example)', fromValue: true },
    ]);
  });

  it('keeps a value inside the template formatting around it, and allows a value as a link target', () => {
    const doc = template('**Pools: {{p}}** — [status]({{url}})', { p: 'A, B', url: 'https://status.acme.finance/1' });
    expect(doc.blocks[0]!.spans).toEqual([
      { text: 'Pools: ', bold: true },
      { text: 'A, B', bold: true, fromValue: true },
      { text: ' — ' },
      { text: 'status', href: 'https://status.acme.finance/1' },
    ]);
  });

  it('leaves ordinary punctuation literal: [UPDATE], snake_case, 2 * 3, URLs with underscores', () => {
    const doc = template('[UPDATE] pool_id_2 is 2 * 3 at https://acme.finance/_next/post_mortem_1.');
    expect(docToPlainText(doc)).toBe('[UPDATE] pool_id_2 is 2 * 3 at https://acme.finance/_next/post_mortem_1.');
    expect(doc.blocks[0]!.spans.every((s) => !s.bold && !s.italic && !s.href)).toBe(true);
  });

  it('lets a template write markup characters literally with a backslash', () => {
    expect(docToPlainText(template('\\*\\*not bold\\*\\* \\_x\\_ \\- \\`'))).toBe('**not bold** _x_ - `');
  });

  it('refuses unbalanced markup and names it with its line', () => {
    const bold = errorOf(() => template('Fine.\n\n**Funds are safe'));
    expect(bold.code).toBe('invalid_input');
    expect(bold.message).toMatch(/line 3.*"\*\*" \(bold\).*never closed/);
    expect(errorOf(() => template('_paused')).message).toMatch(/"_" \(italic\)/);
    expect(errorOf(() => template('run `npm')).message).toMatch(/"`" \(code\)/);
    expect(errorOf(() => template('[status](https://acme.finance')).message).toMatch(/link.*never closed/);
    expect(errorOf(() => template('**bold _both** italic_')).message).toMatch(
      /"\*\*" \(bold\) closes while "_" \(italic\).*still open/,
    );
  });

  it('does not let bold run across a paragraph break', () => {
    expect(() => template('**one\n\ntwo**')).toThrow(/bold/);
  });

  it('refuses broken value markers and values it was not given', () => {
    expect(() => parseStatement('x \uE000 y', [])).toThrow(HeraldError);
    expect(() => parseStatement(`x ${valueToken(3)}`, ['a'])).toThrow(/value #3/);
  });

  it('refuses invisible characters in values and in template text', () => {
    expect(() => parseStatement(`${valueToken(0)}`, ['abc\u202Edef'])).toThrow(/U\+202E/);
    expect(() => parseStatement('a\u200Bb', [])).toThrow(/Line 1.*U\+200B/);
  });
});
