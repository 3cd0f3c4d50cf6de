import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openConsole, type OpenConsole } from './browser';
import { column, faqOnDiscord, faqOnTelegram, firstStatement, QUESTION } from './flow';

// The public side of a crisis: a member asks in the community chat, a moderator answers with the
// FAQ the way each platform's client offers it, and the answer is a reply to the member that
// points at the live statement.

const ANSWER = 'The latest confirmed information is in our most recent update';

describe('the community channel and group in the console', () => {
  let opened: OpenConsole;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    opened = await openConsole({ width: 1600, height: 1000 }, (m) => pageErrors.push(m));
    page = opened.page;
    // A live sev1, so the FAQ has a statement to point to.
    await firstStatement(page);
  }, 90_000);

  afterAll(async () => opened?.close());

  it('on Discord, a moderator answers a member with Apps ▸ Answer with FAQ, and the answer replies to her publicly', async () => {
    const questionId = await faqOnDiscord(page);
    const answer = column(page, 'discord-community').locator(`.dmsg:not(.ephemeral):has(.dreply[data-reply-to="${questionId}"])`);
    await answer.waitFor();
    expect(await answer.locator('.author').innerText()).toBe('herald');
    expect(await answer.locator('.dreply').innerText()).toContain(`mallory ${QUESTION}`);
    expect(await answer.innerText()).toContain(ANSWER);
    expect(pageErrors).toEqual([]);
  });

  it('on Telegram, a moderator replies /faq funds-safe to a member, and herald answers her message', async () => {
    const questionId = await faqOnTelegram(page);
    const feed = column(page, 'telegram-community');
    const answer = feed.locator(`.tmsg.bot[data-reply-to="${questionId}"]`);
    await answer.waitFor();
    expect(await answer.locator('.quote').innerText()).toContain('mallory');
    expect(await answer.innerText()).toContain(ANSWER);
    // dave's command is a reply to her too, as Telegram sends it.
    expect(await feed.locator(`.tmsg[data-reply-to="${questionId}"]`, { hasText: '/faq funds-safe' }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
