import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openConsole, type OpenConsole } from './browser';
import { until } from '../support/until';
import { EXPLOIT, actAs, column, deliveries, discordButton, discordSay, firstStatement, statementWhileXIsDown, telegramButton, telegramSay, WAIT_MS } from './flow';

describe('the sandbox console, driven in a real browser', () => {
  let opened: OpenConsole;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    opened = await openConsole({ width: 1600, height: 1000 }, (m) => pageErrors.push(m));
    page = opened.page;
  }, 60_000);

  afterAll(async () => opened?.close());

  it('drafts as alice, approves as bob and carol with the buttons, and shows the statement on Discord, Telegram and X with ✅ for every delivery', async () => {
    await firstStatement(page, async () => {
      // An outsider's press is refused by herald, and only they see why.
      await actAs(page, 'mallory');
      await discordButton(page, 'Approve #1').click();
      const refusal = column(page, 'discord-comms').locator('.dmsg.ephemeral', { hasText: 'needs the approver role' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain('Only mallory can see this');
    });

    const statement = 'we are investigating a security incident affecting the USDC pool';
    const discord = column(page, 'discord-announcements').locator('.dmsg', { hasText: statement });
    await discord.waitFor();
    expect(await discord.innerText()).toContain('@everyone');
    await column(page, 'telegram-channel').locator('.tmsg', { hasText: statement }).waitFor();
    // On X the statement is a thread of two numbered posts.
    const thread = column(page, 'x').locator('.xthread');
    expect(await thread.count()).toBe(1);
    expect(await thread.getAttribute('data-posts')).toBe('2');
    const posts = await thread.locator('.xtext').allInnerTexts();
    expect(posts[0]).toContain('Acme Finance is investigating a security incident affecting the USDC pool');
    expect(posts[0]).toMatch(/1\/2$/);
    expect(posts[1]).toMatch(/2\/2$/);

    const rows = await deliveries(page, 1).all();
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(await row.locator('.icon').innerText()).toBe('✅');
    // The preview in the comms channel was updated as the deliveries landed.
    await column(page, 'discord-comms').locator('.dmsg', { hasText: '✅ x (X)' }).waitFor();
  });

  it('with X down, Discord and Telegram deliver while X shows retrying, then ✅ once X is up again', async () => {
    await statementWhileXIsDown(page, async () => {
      // While X is down: the announcement is on Discord and Telegram, X has only the first thread.
      const text = 'Pages load slowly and some transactions fail to submit.';
      await column(page, 'discord-announcements').locator('.dmsg', { hasText: text }).waitFor();
      await column(page, 'telegram-channel').locator('.tmsg', { hasText: text }).waitFor();
      expect(await column(page, 'x').locator('.xthread').count()).toBe(1);
      expect(await page.locator('[data-column="x"] [data-fault-state="x"]').innerText()).toBe('Down');
      const x = deliveries(page, 2).filter({ hasText: 'retrying' });
      expect(await x.getAttribute('data-target')).toBe('x');
      expect(await x.locator('.icon').innerText()).toBe('⏳');
    });
    for (const row of await deliveries(page, 2).all()) expect(await row.locator('.icon').innerText()).toBe('✅');
    // The degraded-service statement joined the open exploit incident, so on X it continues that
    // incident's thread instead of starting one of its own.
    const thread = column(page, 'x').locator('.xthread');
    await thread.filter({ hasText: 'the Acme web app' }).waitFor();
    expect(await thread.count()).toBe(1);
    expect(Number(await thread.getAttribute('data-posts'))).toBeGreaterThan(2);
    expect(pageErrors).toEqual([]);
  });

  it('Reject asks for the reason: in a Discord form, and on Telegram as a reply to herald', async () => {
    await actAs(page, 'alice');
    await discordSay(page, '/draft sev4/maintenance-scheduled');
    // Missing variables are asked for in Discord's form.
    await page.locator('#modal:not([hidden])').waitFor();
    for (const field of await page.locator('#modal-fields input').all()) await field.fill((await field.getAttribute('placeholder')) || 'tomorrow');
    await page.click('#modal-form button.submit');
    await discordButton(page, 'Approve #3').waitFor();
    await actAs(page, 'bob');
    await page.locator('[data-feed="discord-comms"] button.dbtn', { hasText: 'Reject' }).last().click();
    await page.locator('#modal:not([hidden]) #modal-title', { hasText: 'Reject #3' }).waitFor();
    await page.fill('#modal-fields textarea[name="reason"]', 'wrong date');
    await page.click('#modal-form button.submit');
    await page.locator('[data-draft="3"] .status', { hasText: 'rejected' }).waitFor();
    await column(page, 'discord-comms').locator('.dmsg', { hasText: 'bob rejected #3: wrong date' }).waitFor();

    await actAs(page, 'alice');
    await telegramSay(page, '/draft sev4/maintenance-complete work="the v2 upgrade"');
    await telegramButton(page, 'reject', 4).waitFor();
    await actAs(page, 'bob');
    await telegramButton(page, 'reject', 4).click();
    // herald's question opens the reply, as Telegram does for a ForceReply.
    await page.locator('#replying:not([hidden])', { hasText: 'why are you rejecting #4' }).waitFor();
    await telegramSay(page, 'not finished yet');
    await page.locator('[data-draft="4"] .status', { hasText: 'rejected' }).waitFor();
    await column(page, 'telegram-comms').locator('.tmsg', { hasText: 'bob rejected #4: not finished yet' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('after a draft, the comms feed shows the preview from its first message, whose buttons are in view', async () => {
    await actAs(page, 'alice');
    await discordSay(page, EXPLOIT);
    const feed = column(page, 'discord-comms');
    // The whole preview is in: its X section is the last of its messages.
    await until(async () => (await feed.locator('.dmsg', { hasText: 'thread of 2 posts' }).count()) >= 2, { what: 'the second sev1 preview', timeoutMs: WAIT_MS, everyMs: 100 });
    await discordButton(page, 'Approve #5').waitFor();
    // Measured in one turn of the page's script: the feed re-renders as deliveries and previews
    // change, so a button found in one round trip may be detached by the next.
    const inView = await feed.evaluate((list) => {
      const buttons = [...list.querySelectorAll('button.dbtn')].filter((b) => b.textContent?.includes('Approve #5'));
      const box = buttons[buttons.length - 1]!.getBoundingClientRect();
      const container = list.getBoundingClientRect();
      return box.top >= container.top && box.bottom <= container.bottom;
    });
    expect(inView).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
