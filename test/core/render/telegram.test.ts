import { describe, expect, it } from 'vitest';
import { toTelegram, type TelegramEntity, type TelegramPart } from '../../../src/core/render';
import { paragraph, template } from '../../support/render';

/** The text an entity covers, read the way Telegram reads offsets (UTF-16 code units). */
const covered = (part: TelegramPart, e: TelegramEntity) => part.text.slice(e.offset, e.offset + e.length);

describe('toTelegram', () => {
  it('gives two parts for a 6,000-character statement with entities re-based per part, astral characters included', () => {
    const source = [
      `🚨𝐀🚨 **Funds are safe.** ${paragraph(1, 30)}`,
      `👨‍👩‍👧 _Next update_ at [our status page](https://status.acme.finance). ${paragraph(31, 20)}`,
      `🔥 **Withdrawals** stay open. \`0xdeadbeef\` ${paragraph(51, 28)}`,
    ].join('\n\n');
    const parts = toTelegram(template(source));
    expect(parts.reduce((n, p) => n + p.text.length, 0)).toBeGreaterThan(6000);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(4096);

    const [first, second] = parts as [TelegramPart, TelegramPart];
    expect(first.entities.map((e) => [e.type, covered(first, e)])).toEqual([
      ['bold', 'Funds are safe.'],
      ['italic', 'Next update'],
      ['text_link', 'our status page'],
    ]);
    expect(first.entities[0]!.offset).toBe(7); // 🚨, 𝐀 and 🚨 are two UTF-16 units each
    expect(first.entities.find((e) => e.type === 'text_link')).toMatchObject({ url: 'https://status.acme.finance' });
    expect(second.text.startsWith('🔥 Withdrawals stay open.')).toBe(true);
    expect(second.entities.map((e) => [e.type, e.offset, covered(second, e)])).toEqual([
      ['bold', 3, 'Withdrawals'],
      ['code', 26, '0xdeadbeef'],
    ]);
  });

  it('reopens bold at the start of the next part when a split cuts through it', () => {
    const parts = toTelegram(template(`**${paragraph(1, 60)}**`));
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.entities).toEqual([{ type: 'bold', offset: 0, length: p.text.length }]);
  });

  it('splits a long paragraph between sentences', () => {
    const parts = toTelegram(template(paragraph(1, 70)));
    expect(parts).toHaveLength(2);
    expect(parts[0]!.text.endsWith('the funds.')).toBe(true);
    expect(parts.map((p) => p.text).join(' ')).toBe(paragraph(1, 70));
  });

  it('sends a hostile value as plain text with no entities from it', () => {
    const value = '**x** @everyone <@&123> [Official](https://evil.example) _y_';
    const [part] = toTelegram(template('**Affected:** {{v}}', { v: value }));
    expect(part).toEqual({ text: `Affected: ${value}`, entities: [{ type: 'bold', offset: 0, length: 9 }] });
  });

  it('keeps code apart from other entities, as Telegram requires', () => {
    const [part] = toTelegram(template('**run `cmd` now** and [see `docs`](https://docs.acme.finance)'));
    expect(part!.entities).toEqual([
      { type: 'bold', offset: 0, length: 3 },
      { type: 'code', offset: 4, length: 3 },
      { type: 'bold', offset: 8, length: 3 },
      { type: 'text_link', offset: 16, length: 8, url: 'https://docs.acme.finance' },
    ]);
  });
});
