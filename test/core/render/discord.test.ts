import { describe, expect, it } from 'vitest';
import { toDiscord } from '../../../src/core/render';
import { discordDisplay, paragraph, template } from '../../support/render';

const codePoints = (s: string) => [...s].length;

describe('toDiscord', () => {
  it('splits a 2,500-character statement into two messages between paragraphs, in order', () => {
    const paras = [paragraph(1, 11), paragraph(12, 11), paragraph(23, 11)];
    const doc = template(paras.join('\n\n'));
    const whole = toDiscord(doc, { limit: 100_000 })[0]!;
    expect(codePoints(whole)).toBeGreaterThan(2400);

    const messages = toDiscord(doc);
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(codePoints(m)).toBeLessThanOrEqual(2000);
    // The cut is at a paragraph boundary: each message is made of whole paragraphs.
    expect(messages[0]!.endsWith('tracing the funds.')).toBe(true);
    expect(messages[1]!.startsWith('Update 23: ')).toBe(true);
    expect(messages.join('\n\n')).toBe(whole);
  });

  it('splits one 5,000-character paragraph after sentences, never inside one', () => {
    const doc = template(paragraph(1, 64));
    const messages = toDiscord(doc);
    expect(messages.length).toBe(3);
    messages.forEach((m, i) => {
      expect(codePoints(m)).toBeLessThanOrEqual(2000);
      expect(m).toMatch(/^Update \d+: /);
      expect(m.endsWith('tracing the funds.')).toBe(true);
      const numbers = (s: string) => [...s.matchAll(/Update (\d+)/g)].map((x) => Number(x[1]));
      if (i) expect(numbers(m)[0]).toBe(numbers(messages[i - 1]!).pop()! + 1);
    });
    expect(messages.join(' ')).toBe(toDiscord(doc, { limit: 100_000 })[0]);
  });

  it('closes bold at the end of a message and reopens it at the start of the next', () => {
    const doc = template(`Notice. **${paragraph(1, 40)}** End.`);
    const messages = toDiscord(doc);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^Notice\. \*\*Update 1: [^*]*\*\*$/);
    expect(messages[1]).toMatch(/^\*\*Update \d+: [^*]*\*\* End\.$/);
  });

  it('falls back to words, then characters, when a sentence is longer than a message', () => {
    const words = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    const messages = toDiscord(template(words), { limit: 300 });
    for (const m of messages) expect(codePoints(m)).toBeLessThanOrEqual(300);
    expect(messages.join(' ')).toBe(words);
    const solid = 'x'.repeat(700);
    expect(toDiscord(template(solid), { limit: 300 }).map(codePoints)).toEqual([300, 300, 100]);
  });

  it('counts code points as Discord does: 1,998 letters and two emoji are one message', () => {
    const text = `${'a'.repeat(1998)}😀😀`;
    expect(text.length).toBe(2002);
    expect(toDiscord(template(text))).toEqual([text]);
    expect(toDiscord(template(`${text}a`))).toHaveLength(2);
  });

  it('shows a hostile value literally: no formatting, no ping, no masked link', () => {
    const value = '**x** @everyone <@&123> [Official](https://evil.example) _y_';
    const [out] = toDiscord(template('Affected: {{v}}', { v: value }));
    expect(out).toBe(
      'Affected: \\*\\*x\\*\\* @\u200Beveryone <\u200B@&123> \\[Official\\](https://evil.example) \\_y\\_',
    );
    // No unescaped `[`, so no masked link; no mention without its zero-width space.
    expect(out).not.toMatch(/@everyone|<@&123>|(?<!\\)\[/);
    expect(discordDisplay(out!)).toBe(`Affected: ${value}`);
  });

  it('neutralises every kind of mention, also in template text and code, and escapes line-start markup', () => {
    const [out] = toDiscord(
      template('@here <@123> <#456> </cmd:1> <t:1700000000:R> `@everyone`\n{{v}}', { v: '# Heading > quote - list ||spoiler|| ~~x~~' }),
    );
    expect(out).not.toMatch(/@here|@everyone|<[@#/t]/);
    expect(out).toContain('\n\\# Heading > quote - list \\|\\|spoiler\\|\\| \\~\\~x\\~\\~');
    // Line-start markup is escaped wherever a line starts; mid-line it is plain text on Discord.
    expect(toDiscord(template('{{v}}', { v: '- list' }))[0]).toBe('\\- list');
    expect(toDiscord(template('{{v}}', { v: '> quote' }))[0]).toBe('\\> quote');
    expect(toDiscord(template('{{v}}', { v: '-# subtext' }))[0]).toBe('\\-# subtext');
    expect(toDiscord(template('{{v}}', { v: '1. first' }))[0]).toBe('1\\. first');
  });

  it('renders the template’s own formatting and links, and leaves URLs unescaped', () => {
    const [out] = toDiscord(
      template('**Paused:** _{{pool}}_ — see [status](https://status.acme.finance/a_(b)) or https://acme.finance/post-mortem_1.', {
        pool: 'pool_a',
      }),
    );
    expect(out).toBe(
      '**Paused:** _pool\\_a_ — see [status](https://status.acme.finance/a_%28b%29) or https://acme.finance/post-mortem_1.',
    );
  });

  it('shows a link whose text is its URL as the bare URL, and code verbatim', () => {
    expect(toDiscord(template('[https://acme.finance](https://acme.finance) `a*b`'))[0]).toBe('https://acme.finance `a*b`');
    expect(toDiscord(template('[acme.finance](https://acme.finance)'))[0]).toBe('[acme.finance](https://acme.finance)');
    expect(toDiscord(template('`x{{v}}`', { v: 'a`b' }))[0]).toBe('``xa`b``');
  });
});
