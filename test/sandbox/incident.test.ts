import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openConsole, type OpenConsole } from './browser';
import { FakeClock } from '../support/clock';
import { sandboxBanner, TRY_HOLD, TRY_RESOLVE } from '../../src/sandbox/banner';
import { ALL_SENT, actAs, approveTwice, column, deliveriesAre, discordButton, discordSay, firstStatement, telegramButton, telegramSay } from './flow';

// The README's "Try first" (the banner's lines): one incident from the exploit notice to its close, with the fast
// clock bringing the promise's reminder. The sandbox's time runs 30× the test's fake clock, so
// the test moves that clock instead of waiting.

const FACTOR = 30;

describe('one incident in the console, with the fast clock', () => {
  const clock = new FakeClock();
  let opened: OpenConsole;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    opened = await openConsole({ width: 1600, height: 1000 }, (m) => pageErrors.push(m), { fastClock: FACTOR, clock });
    page = opened.page;
  }, 60_000);

  afterAll(async () => opened?.close());

  it('publishes the exploit statement with an absolute next update, on the three platforms', async () => {
    // The fake clock starts at 14:00 UTC: "in 30 minutes" is 14:30 UTC.
    await firstStatement(page, async () => {
      await column(page, 'discord-comms').locator('.dmsg', { hasText: '14:30 UTC' }).first().waitFor();
    });
    await column(page, 'discord-announcements').locator('.dmsg', { hasText: 'Next update: 14:30 UTC' }).waitFor();
    await column(page, 'telegram-channel').locator('.tmsg', { hasText: 'Next update: 14:30 UTC' }).waitFor();
    expect(await column(page, 'x').locator('.xthread').count()).toBe(1);
    expect(await page.locator('#clock').innerText()).toContain(`${FACTOR}×`);
    // What `herald start --sandbox --fast-clock 30` prints says when to expect the reminder.
    const banner = sandboxBanner({ url: opened.sandbox.url, config: opened.sandbox.config, reason: 'forced', fastClock: FACTOR });
    expect(banner).toContain('Clock:    sandbox time runs 30× faster (--fast-clock): a promise "in 30 minutes" is due in 60 s');
    expect(banner).toContain('("… is due in 15 min"): in about 30 s.');
  });

  it('reminds both comms chats 15 minutes before the promise is due, when the fast clock gets there', async () => {
    const reminder = 'the next update promised for 14:30 UTC (in #1) is due in 15 min';
    expect(await column(page, 'discord-comms').locator('.dmsg', { hasText: reminder }).count()).toBe(0);
    // 30 s of the clock beneath is 15 minutes of sandbox time.
    clock.advance((15 * 60_000) / FACTOR);
    await column(page, 'discord-comms').locator('.dmsg', { hasText: reminder }).waitFor();
    await column(page, 'telegram-comms').locator('.tmsg', { hasText: reminder }).waitFor();
  });

  it('keeps the promise with /hold on one approval, then resolves the incident, which closes it', async () => {
    await actAs(page, 'alice');
    await telegramSay(page, TRY_HOLD);
    await telegramButton(page, 'approve', 2).waitFor();
    await actAs(page, 'bob');
    await telegramButton(page, 'approve', 2).click();
    await deliveriesAre(page, 2, ALL_SENT);
    await column(page, 'telegram-channel').locator('.tmsg', { hasText: 'Next update: 14:45 UTC' }).waitFor();

    await actAs(page, 'alice');
    await discordSay(page, TRY_RESOLVE);
    await discordButton(page, 'Approve #3').waitFor();
    await approveTwice(page, 3);

    await actAs(page, 'alice');
    await discordSay(page, '/incident 1');
    const timeline = column(page, 'discord-comms').locator('.dmsg', { hasText: 'Incident 1 · sev1' }).last();
    await timeline.waitFor();
    const text = await timeline.innerText();
    expect(text).toContain('closed 14:15 UTC (sev1/resolved (#3) was published)');
    expect(text).toContain('Promise of #1: 14:30 UTC — kept, 15 min early (#2)');
    expect(pageErrors).toEqual([]);
  });
});
