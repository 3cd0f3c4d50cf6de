import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openConsole, type OpenConsole } from './browser';
import { actAs, DEGRADED, discordButton, discordSay, WAIT_MS } from './flow';
import { until } from '../support/until';

// A console that stays usable as drafts pile up: at a laptop's 1366×768 and a desktop's
// 1920×1080, after 20 drafts, the fault panel and the newest preview's buttons are on screen,
// and nothing widens the page.

const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];

async function onScreen(page: Page, what: Locator, viewport: { width: number; height: number }): Promise<void> {
  // The feed re-renders as previews update: an element found in one round trip may be replaced
  // before the next, and a replaced element has no box; the one that replaced it does.
  const box = await until(() => what.boundingBox(), { what: 'the element to have a box', timeoutMs: WAIT_MS, everyMs: 100 });
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
}

describe.each(VIEWPORTS)('the sandbox console at $width×$height', (VIEWPORT) => {
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
    await onScreen(page, page.locator('#faults'), VIEWPORT);
    await onScreen(page, discordButton(page, 'Approve #20'), VIEWPORT);
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(VIEWPORT.width);
  }, 120_000);
});
