import type { Locator, Page } from 'playwright-core';
import { TRY_FIRST } from '../../src/sandbox/banner';
import { until } from '../support/until';
import { DEGRADED_VARS } from '../support/vars';

/** The steps a person takes in the console, shared by the browser test and the README screenshot. */

export const EXPLOIT = TRY_FIRST;
export const DEGRADED = `/draft sev2/degraded-service ${DEGRADED_VARS}`;

/** Bounded waits: a delivery retried after X comes back is caught up within the sandbox's 4 s backoff cap. */
export const WAIT_MS = 20_000;

export type Feed = 'discord-comms' | 'telegram-comms' | 'discord-announcements' | 'discord-community' | 'telegram-channel' | 'telegram-community' | 'x';
export const column = (page: Page, name: Feed): Locator => page.locator(`[data-feed="${name}"]`);

/** Opens a public column's tab: its announcements, or its community chat. */
export async function showTab(page: Page, platform: 'discord' | 'telegram', tab: 'announcements' | 'channel' | 'community'): Promise<void> {
  await page.click(`[data-tab="${platform}:${tab}"]`);
  await page.locator(`[data-pane="${platform}-${tab}"]:not([hidden])`).waitFor({ timeout: WAIT_MS });
}

export const deliveries = (page: Page, draftId: number): Locator => page.locator(`[data-draft="${draftId}"] [data-testid="delivery"]`);

export async function actAs(page: Page, user: string): Promise<void> {
  await page.click(`[data-user="${user}"]`);
  await page.locator(`[data-user="${user}"][aria-checked="true"]`).waitFor({ timeout: WAIT_MS });
}

type Composer = 'discord' | 'telegram' | 'discord-community' | 'telegram-community';

async function send(page: Page, composer: Composer, text: string): Promise<void> {
  const input = page.locator(`[data-composer="${composer}"] input`);
  await input.fill(text);
  await input.press('Enter');
  // The composer empties once the platform took the message (a refusal keeps it, with a notice).
  await until(async () => (await input.inputValue()) === '', { what: `the ${composer} composer to send "${text}"`, ...PAGE_WAIT });
}

/** Conditions read from the page are checked every 100 ms: each check is a round trip to the browser. */
const PAGE_WAIT = { timeoutMs: WAIT_MS, everyMs: 100 };

export const discordSay = (page: Page, text: string) => send(page, 'discord', text);
export const telegramSay = (page: Page, text: string) => send(page, 'telegram', text);
export const communitySay = (page: Page, platform: 'discord' | 'telegram', text: string) => send(page, `${platform}-community`, text);

export function discordButton(page: Page, label: string): Locator {
  return column(page, 'discord-comms').locator('button.dbtn', { hasText: label }).last();
}

export function telegramButton(page: Page, action: 'approve' | 'reject', draftId: number): Locator {
  return column(page, 'telegram-comms').locator(`.keyboard button[data-data^="${action}:${draftId}:"]`).last();
}

export async function setFault(page: Page, platform: 'discord' | 'telegram' | 'x', mode: 'normal' | 'slow' | 'rate-limited' | 'down'): Promise<void> {
  await page.click(`[data-fault="${platform}"] button[data-mode="${mode}"]`);
  await page.locator(`[data-fault="${platform}"] button[data-mode="${mode}"][aria-pressed="true"]`).waitFor({ timeout: WAIT_MS });
}

/** The draft's deliveries as the panel shows them: target -> status. */
export async function deliveryStates(page: Page, draftId: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const row of await deliveries(page, draftId).all()) out[(await row.getAttribute('data-target')) ?? ''] = (await row.getAttribute('data-status')) ?? '';
  return out;
}

/** Waits until the draft's deliveries are exactly these states, target by target. */
export async function deliveriesAre(page: Page, draftId: number, states: Record<string, string>): Promise<void> {
  const want = JSON.stringify(states);
  let have = '';
  await until(async () => (have = JSON.stringify(await deliveryStates(page, draftId))) === want, { what: () => `draft #${draftId}'s deliveries to be ${want} (last seen ${have || 'none'})`, ...PAGE_WAIT });
}

export const ALL_SENT = { 'discord-announcements': 'sent', 'telegram-channel': 'sent', x: 'sent' };

/** bob and carol approve a sev1 draft with the Discord buttons; it goes out everywhere. */
export async function approveTwice(page: Page, draftId: number): Promise<void> {
  await actAs(page, 'bob');
  await discordButton(page, `Approve #${draftId}`).click();
  await page.locator(`[data-draft="${draftId}"] .sub`, { hasText: 'approvals 1 of 2 (bob)' }).waitFor({ timeout: WAIT_MS });
  await actAs(page, 'carol');
  await discordButton(page, `Approve #${draftId}`).click();
  await deliveriesAre(page, draftId, ALL_SENT);
}

/** alice drafts the first statement in Discord; bob and carol approve it with the buttons. */
export async function firstStatement(page: Page, afterPreview?: () => Promise<void>): Promise<void> {
  await actAs(page, 'alice');
  await discordSay(page, EXPLOIT);
  await discordButton(page, 'Approve #1').waitFor({ timeout: WAIT_MS });
  await afterPreview?.();
  await approveTwice(page, 1);
}

/** With X down, alice drafts on Telegram and bob approves there; X catches up once it is back. */
export async function statementWhileXIsDown(page: Page, during?: () => Promise<void>): Promise<void> {
  await setFault(page, 'x', 'down');
  await actAs(page, 'alice');
  await telegramSay(page, DEGRADED);
  await telegramButton(page, 'approve', 2).waitFor({ timeout: WAIT_MS });
  await actAs(page, 'bob');
  await telegramButton(page, 'approve', 2).click();
  await deliveriesAre(page, 2, { 'discord-announcements': 'sent', 'telegram-channel': 'sent', x: 'pending' });
  await deliveries(page, 2).filter({ hasText: 'retrying' }).waitFor({ timeout: WAIT_MS });
  await during?.();
  await setFault(page, 'x', 'normal');
  await deliveriesAre(page, 2, { 'discord-announcements': 'sent', 'telegram-channel': 'sent', x: 'sent' });
}

export const QUESTION = 'are my funds safe?';

/** mallory asks in Discord's #community; dave answers with Apps ▸ Answer with FAQ. Returns the question's id. */
export async function faqOnDiscord(page: Page): Promise<string> {
  await showTab(page, 'discord', 'community');
  await actAs(page, 'mallory');
  await communitySay(page, 'discord', QUESTION);
  const feed = column(page, 'discord-community');
  const question = feed.locator('.dmsg', { hasText: QUESTION });
  await question.waitFor({ timeout: WAIT_MS });
  const id = (await question.getAttribute('data-id'))!;
  await actAs(page, 'dave');
  await question.locator('button.dmenu[data-menu="Answer with FAQ"]').click();
  // herald's picker is shown to dave alone.
  await feed.locator('.dmsg.ephemeral', { hasText: 'Answer this message with which FAQ entry?' }).locator('select.dselect').selectOption('funds-safe');
  return id;
}

/** mallory asks in the Telegram community group; dave replies to her with /faq funds-safe. Returns the question's id. */
export async function faqOnTelegram(page: Page): Promise<string> {
  await showTab(page, 'telegram', 'community');
  await actAs(page, 'mallory');
  await communitySay(page, 'telegram', QUESTION);
  const question = column(page, 'telegram-community').locator('.tmsg', { hasText: QUESTION });
  await question.waitFor({ timeout: WAIT_MS });
  const id = (await question.getAttribute('data-id'))!;
  await actAs(page, 'dave');
  await question.locator('button.reply').click();
  await page.locator('[data-replying="community"]:not([hidden])', { hasText: QUESTION }).waitFor({ timeout: WAIT_MS });
  await communitySay(page, 'telegram', '/faq funds-safe');
  return id;
}
