import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openConsole, type OpenConsole } from './browser';
import { actAs, DEGRADED, discordButton, discordSay, WAIT_MS } from './flow';

// A console that stays usable as drafts pile up: at a laptop's 1366×768, after 20 drafts, the
// fault panel and the newest preview's buttons are on screen, and nothing widens the page.

const VIEWPORT = { width: 1366, height: 768 };

async function onScreen(page: Page, what: Locator): Promise<void> {
  const box = await what.boundingBox();
  expect(box, 'the element has a box').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(VIEWPORT.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(VIEWPORT.height);
}

describe('the sandbox console at 1366×768', () => {
  let opened: OpenConsole;
  let page: Page;

  beforeAll(async () => {
    opened = await openConsole(VIEWPORT);
    page = opened.page;
  }, 60_000);

  afterAll(async () => opened?.close());

  it('after 20 drafts the fault panel and the newest preview with its buttons are visible, and the page is no wider than the window', async () => {
    await actAs(page, 'alice');
    for (let i = 1; i <= 20; i++) {
      await discordSay(page, DEGRADED);
      await discordButton(page, `Approve #${i}`).waitFor();
    }
    await onScreen(page, page.locator('#faults'));
    await onScreen(page, discordButton(page, 'Approve #20'));
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(VIEWPORT.width);
  }, 120_000);
});
