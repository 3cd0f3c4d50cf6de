/**
 * Takes the README's screenshot of the sandbox console (docs/console.png) from a real run: the
 * browser test's flow, then a picture. Run it after a change to the console's look:
 *
 *   npx tsx test/sandbox/screenshot.ts [out.png]
 */
import { resolve } from 'node:path';
import { startSandbox } from '../../src/sandbox';
import { ROOT, tempDir } from '../support/config';
import { launchChromium } from './browser';
import { actAs, column, faqOnDiscord, firstStatement, statementWhileXIsDown, WAIT_MS } from './flow';

const out = resolve(process.argv[2] ?? resolve(ROOT, 'docs/console.png'));
const sandbox = await startSandbox({ dir: tempDir('herald-screenshot-'), port: 0, cwd: ROOT, env: { HERALD_LOG_LEVEL: 'silent' } });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(sandbox.url);
  await page.locator('#conn.live').waitFor();
  await firstStatement(page);
  await statementWhileXIsDown(page);
  await actAs(page, 'alice');
  // The last preview edits have landed once each comms chat shows its draft sent to X (#1 was drafted on Discord, #2 on Telegram).
  await column(page, 'discord-comms').filter({ hasText: /#1 · [^]*✅ x \(X\)/ }).waitFor();
  await column(page, 'telegram-comms').filter({ hasText: /#2 · [^]*✅ x \(X\)/ }).waitFor();
  // A moderator's FAQ answer in Discord's #community, that tab left open.
  const question = await faqOnDiscord(page);
  await column(page, 'discord-community').locator(`.dmsg:has(.dreply[data-reply-to="${question}"])`).waitFor();
  await actAs(page, 'alice');
  // Then scroll the public channels to their newest post.
  await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ scrollTop: number; scrollHeight: number }> } }).document;
    for (const feed of doc.querySelectorAll('[data-feed]:not([data-newest-first])')) feed.scrollTop = feed.scrollHeight;
  });
  // …except #community, shown from the member's question down to the answer replying to it.
  await column(page, 'discord-community').locator(`.dmsg[data-id="${question}"]`).evaluate((m) => m.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await sandbox.close();
}
