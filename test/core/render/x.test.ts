import twitter from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { toXThread, xWeightedLength } from '../../../src/core/render';
import { paragraph, template } from '../../support/render';

const URL = 'https://status.acme.finance/incidents/2024-05-01-bridge-exploit-post-mortem-and-next-steps';
const CJK = '我们已暂停所有资金池。资金安全，调查正在进行中。请勿相信任何私信！下一次更新将在两小时内发布。';

describe('toXThread', () => {
  it('threads a long statement with a URL and CJK text: numbered, every post within 280, URL whole', () => {
    const doc = template(`**Incident:** ${paragraph(1, 3)} Details: ${URL} — ${paragraph(4, 3)}\n\n${CJK}${CJK}\n\n${paragraph(7, 4)}`);
    const posts = toXThread(doc);
    expect(posts.length).toBeGreaterThan(2);
    posts.forEach((post, i) => {
      expect(twitter.parseTweet(post).weightedLength).toBeLessThanOrEqual(280);
      expect(twitter.parseTweet(post).valid).toBe(true);
      expect(post.endsWith(`\n${i + 1}/${posts.length}`)).toBe(true);
    });
    expect(posts.filter((p) => p.includes(URL))).toHaveLength(1);
    expect(posts.flatMap((p) => twitter.extractUrls(p))).toEqual([URL]);
    // Nothing lost or reordered: without numbering and the whitespace at cuts, the text is the whole.
    const squash = (s: string) => s.replace(/\s+/g, '');
    const joined = posts.map((p) => p.replace(/\n\d+\/\d+$/, '')).join('');
    expect(squash(joined)).toBe(squash(`Incident: ${paragraph(1, 3)} Details: ${URL} — ${paragraph(4, 3)}${CJK}${CJK}${paragraph(7, 4)}`));
  });

  it('weighs CJK double, so 150 CJK characters need two posts while 150 Latin ones fit in one', () => {
    expect(toXThread(template('字'.repeat(150)))).toHaveLength(2);
    expect(toXThread(template('a'.repeat(150)))).toEqual(['a'.repeat(150)]);
  });

  it('posts a short statement as one post without numbering', () => {
    const posts = toXThread(template('**Funds are safe.** See [status](https://status.acme.finance) or https://acme.finance.'));
    expect(posts).toEqual(['Funds are safe. See status https://status.acme.finance or https://acme.finance.']);
  });

  it('writes a link whose text is its URL only once', () => {
    expect(toXThread(template('[acme.finance/status](https://acme.finance/status)'))).toEqual(['https://acme.finance/status']);
  });

  it('counts the numbering: a paragraph that fits 280 only without its "1/2" is cut', () => {
    const a = `${'a'.repeat(199)}.`;
    const b = `${'b'.repeat(76)}.`;
    expect(xWeightedLength(`${a} ${b}`)).toBe(278);
    expect(toXThread(template(`${a} ${b}\n\nBye.`))).toEqual([`${a}\n1/2`, `${b}\n\nBye.\n2/2`]);
  });

  it('matches parseTweet for the weighted length', () => {
    expect(xWeightedLength(`hello ${URL} 日本 😀`)).toBe(6 + 23 + 1 + 4 + 1 + 2);
  });
});

describe('toXThread with a label', () => {
  it('labels every post of a correction, a single one too, so X never sees the original text again', () => {
    const short = template('The pool is paused.');
    expect(toXThread(short)).toEqual(['The pool is paused.']);
    expect(toXThread(short, { label: 'Correction' })).toEqual(['The pool is paused.\nCorrection']);
    const long = template(paragraph(1, 12));
    const plain = toXThread(long);
    const labelled = toXThread(long, { label: 'Correction' });
    labelled.forEach((post, i) => {
      expect(post).toMatch(new RegExp(`\\nCorrection ${i + 1}/${labelled.length}$`));
      expect(xWeightedLength(post)).toBeLessThanOrEqual(280);
    });
    expect(labelled.filter((p) => plain.includes(p))).toEqual([]);
  });
});
