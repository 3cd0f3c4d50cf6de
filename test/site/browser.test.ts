import AxeBuilder from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { formsOf } from '../../src/trust/sign';
import { launchChromium } from '../sandbox/browser';
import { WAIT_MS } from '../sandbox/flow';
import { SAYS, serveSite, siteHerald, threeStatements, type SiteHerald } from './incident';

let h: SiteHerald | undefined;
let browser: Browser | undefined;
let server: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await browser?.close();
  await server?.close();
  await h?.close();
  h = browser = server = undefined;
});

describe('the status site in Chromium', () => {
  it('renders, passes an automated accessibility check, and verify.html tells each platform post from one changed character', async () => {
    const t = (h = siteHerald());
    await threeStatements(t);
    const site = (server = await serveSite(t.dir));
    browser = await launchChromium();
    // axe needs the page in a context of its own.
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT_MS);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    for (const path of ['index.html', 'incidents/1.html', 'verify.html']) {
      await page.goto(`${site.url}${path}`);
      const { violations, passes } = await new AxeBuilder({ page }).analyze();
      // It did check something: the page's language, title, landmarks, contrast…
      expect(passes.length, path).toBeGreaterThan(5);
      expect(violations.map((v) => `${path}: ${v.id} (${v.nodes.length})`)).toEqual([]);
    }
    // The timeline renders each statement's text.
    await page.goto(`${site.url}incidents/1.html`);
    for (const says of SAYS) await page.getByText(says, { exact: false }).first().waitFor();
    expect(await page.locator('article.update').count()).toBe(3);

    // A member pastes the funds update as each platform showed it (Discord: its Markdown source
    // and the text it renders), then the same with one digit changed.
    const funds = (platform: 'discord' | 'telegram' | 'x') => t.pubs[platform].sent.find((s) => s.text.includes('1,204,530'))!.text;
    const pasted: Array<[string, string]> = [
      ...formsOf('discord', funds('discord')).map(({ text }) => ['Discord', text] as [string, string]),
      ['Telegram', funds('telegram')],
      ['X', funds('x')],
    ];
    expect(new Set(pasted.map(([name]) => name)).size).toBe(3);
    await page.goto(`${site.url}verify.html`);
    const result = page.getByRole('status');
    for (const [platform, text] of pasted) {
      await page.getByLabel('Statement text').fill(text);
      await page.getByRole('button', { name: 'Check' }).click();
      await result.filter({ hasText: /^Signed/ }).waitFor();
      expect(await result.textContent(), platform).toMatch(/^Signed by herald: draft #2 on /);
      expect(await result.textContent(), platform).toMatch(new RegExp(`draft #2 on ${platform} \\([\\w-]+\\), posted `));
      await page.getByLabel('Statement text').fill(text.replace('1,204,530', '1,204,531'));
      await page.getByRole('button', { name: 'Check' }).click();
      await result.filter({ hasText: /^NOT signed/ }).waitFor();
      expect(await result.textContent(), platform).toBe('NOT signed by herald: no statement published here has this text. Do not trust it.');
    }
    expect(errors).toEqual([]);
  }, 90_000); // Chromium, and axe over three pages
});
