import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { herald } from '../support/cli';
import { ROOT, tempDir } from '../support/config';
import { startWorld } from '../platforms/telegram/world';
import { drafts } from '../../src/store/schema';
import { answer, refused, SEV3, worldPool } from './telegram';

// Hostile inputs, family 1: links the platforms would make clickable, hidden in a drafter's
// value. Each is typed as a /draft in the Telegram comms group against the loopback Bot API.

const LINK_FORMS: Array<[string, string, string]> = [
  ['a URL glued to a digit (Telegram links from the scheme)', 'Claim at 1https://evil.example/claim now.', 'https://evil.example/claim'],
  ['a URL glued to a word', 'Refunds:https://evil.example/r today.', 'https://evil.example/r'],
  ['a URL whose scheme is glued to a word', 'Go claimhttps://evil.example/x now.', 'claimhttps://evil.example/x'],
  ['a bare .ton domain (Telegram links TON DNS)', 'Refunds at claim.ton for everyone.', 'claim.ton'],
  ['a bare domain on .music (not in twitter-text’s list)', 'Visit airdrop.music for refunds.', 'airdrop.music'],
  ['a bare domain on .kids', 'Visit refund.kids now.', 'refund.kids'],
  ['a bare domain on .spa', 'Visit claim.spa now.', 'claim.spa'],
  ['a bare domain glued to a digit', 'Visit 1evil.com now.', '1evil.com'],
  ['a bare domain on an old TLD', 'See evil.com for details.', 'evil.com'],
  ['www. without a scheme', 'See www.evil.co for details.', 'www.evil.co'],
  ['a bare domain with a port', 'See evil.com:8443 for details.', 'evil.com:8443'],
  ['a bare domain with a query and fragment', 'See evil.com/claim?x=1#y now.', 'evil.com/claim?x=1#y'],
  ['a bare IPv4 address', 'Connect to 203.0.113.7 now.', '203.0.113.7'],
  ['a bare IPv4 address with a path', 'Claim at 203.0.113.7/claim today.', '203.0.113.7/claim'],
  ['a bare IPv4 address with a port and path', 'Claim at 203.0.113.7:8080/claim today.', '203.0.113.7:8080/claim'],
  ['a bracketed IPv6 address with a path', 'Claim at [2001:db8::7]/claim today.', '[2001:db8::7]/claim'],
  ['a bare IPv6 address', 'Connect to 2001:db8::7 now.', '2001:db8::7'],
  ['a tg:// link', 'Open tg://resolve?domain=acme_refund now.', 'tg://resolve?domain=acme_refund'],
  ['a tg: link without slashes', 'Open tg:resolve?domain=acme_refund now.', 'tg:resolve?domain=acme_refund'],
  ['a t.me link to another account', 'Support: t.me/acme_refund_desk', 't.me/acme_refund_desk'],
  ['a t.me invite link', 'Join t.me/+AbCdEf123 for refunds.', 't.me/+AbCdEf123'],
  ['a Markdown link target', 'Read [our site](https://evil.example/claim) now.', 'https://evil.example/claim'],
  ['a masked link whose text is official', 'Read [https://acme.finance](https://evil.example) now.', 'https://evil.example'],
  ['a Discord autolink in angle brackets', 'Read <https://evil.example/claim> now.', 'https://evil.example/claim'],
  ['an upper-case URL', 'Read HTTPS://EVIL.EXAMPLE/CLAIM now.', 'HTTPS://EVIL.EXAMPLE/CLAIM'],
  ['an official domain as a subdomain of another', 'See acme.finance.evil.com now.', 'acme.finance.evil.com'],
  ['a lookalike ending in the official name', 'See evilacme.finance now.', 'evilacme.finance'],
  ['a Cyrillic lookalike of the official domain', 'See \u0430cme.finance now.', '\u0430cme.finance'],
  ['a javascript: link', 'Click javascript:alert(1) now.', 'javascript:alert(1)'],
  ['an ftp:// link', 'Get ftp://evil.example/x now.', 'ftp://evil.example/x'],
];

const refusal = (link: string) => `The statement links to ${link}, which is not on an official domain (acme.finance); use an official link instead.`;

describe('links: every form a platform would link is refused, naming the link', () => {
  const pool = worldPool();
  afterAll(async () => pool.close());

  it.each(LINK_FORMS)('%s', async (_what, impact, link) => {
    await refused(await pool.get(), 'alice', SEV3(impact), refusal(link));
  });

  it('the same guard serves /edit', async () => {
    const w = await startWorld();
    onTestFinished(() => w.close());
    expect(await answer(w, 'alice', SEV3('Rewards are late.'))).toMatch(/^#\d+ · sev3\/incident-minor/);
    const id = w.herald.core.db.select().from(drafts).all().at(-1)!.id;
    await refused(w, 'alice', `/edit #${id} impact="Claim at 1https://evil.example/claim now."`, refusal('https://evil.example/claim'));
    await refused(w, 'alice', `/edit #${id} impact="Visit claim.ton now."`, refusal('claim.ton'));
  });
});

describe('links: herald templates check refuses a template with each link form', () => {
  it('names the file, the line and the link of every one', () => {
    const dir = join(tempDir(), 'templates');
    mkdirSync(join(dir, 'sev3'), { recursive: true });
    const base = readFileSync(join(ROOT, 'templates/sev3/incident-minor.hbs'), 'utf8');
    LINK_FORMS.forEach(([, impact], i) => {
      writeFileSync(join(dir, 'sev3', `link-${i}.hbs`), base.replace('\n=== x ===', `\nDetails: ${impact}\n=== x ===`));
    });
    const r = herald(['templates', 'check', dir], {});
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    LINK_FORMS.forEach(([what, impact, link], i) => {
      const file = join(dir, 'sev3', `link-${i}.hbs`);
      const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(impact)) + 1;
      expect(lines, what).toContain(`${file}:${line}: with every example, it renders an illegal statement: ${refusal(link)}`);
    });
  });
});
