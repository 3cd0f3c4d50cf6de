import AxeBuilder from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
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
  it('renders, passes an automated accessibility check, and verify.html tells a signed statement from one changed character', async () => {
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

    // A member pastes the funds update as Telegram showed it.
    const posted = t.pubs.telegram.sent.find((s) => s.text.includes(SAYS[1]!))!.text;
    await page.goto(`${site.url}verify.html`);
    await page.getByLabel('Statement text').fill(posted);
    await page.getByRole('button', { name: 'Check' }).click();
    const result = page.getByRole('status');
    await result.filter({ hasText: /^(Signed|NOT signed)/ }).waitFor();
    expect(await result.textContent()).toMatch(/^Signed by herald: draft #2 on (Discord|Telegram) .*draft #2 on Telegram \(telegram-main\), posted /);
    await page.getByLabel('Statement text').fill(posted.replace('1,204,530', '1,204,531'));
    await page.getByRole('button', { name: 'Check' }).click();
    await result.filter({ hasText: /^NOT signed/ }).waitFor();
    expect(await result.textContent()).toBe('NOT signed by herald: no statement published here has this text. Do not trust it.');
    expect(errors).toEqual([]);
  }, 90_000); // Chromium, and axe over three pages
});
