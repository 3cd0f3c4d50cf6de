/**
 * Takes the README's screenshot of the status site (docs/status-site.png) from a real build: the
 * site during the exploit of the browser test, its promised update overdue. Run it after a change
 * to the site's look:
 *
 *   npx tsx test/site/screenshot.ts [out.png]
 */
import { resolve } from 'node:path';
import { ROOT } from '../support/config';
import { launchChromium } from '../sandbox/browser';
import { FakeClock } from '../support/clock';
import { publish, serveSite, siteHerald } from './incident';

const out = resolve(process.argv[2] ?? resolve(ROOT, 'docs/status-site.png'));
// herald's clock at the real time, so the statement's time (the database's) and the incident's agree in the picture.
const t = siteHerald({ clock: new FakeClock(Date.now()) });
await publish(
  t,
  '/draft sev1/exploit-investigating affected="the USDC lending pool on Ethereum" funds_status="Funds in all other Acme pools are not affected." user_action="Do not deposit into any Acme pool." next_update="in 30 minutes"',
  1,
);
t.clock.advance(31 * 60_000);
await t.herald.trust.idle();
const site = await serveSite(t.dir);
const browser = await launchChromium();
try {
  const page = await (await browser.newContext({ viewport: { width: 900, height: 1100 }, deviceScaleFactor: 1 })).newPage();
  await page.goto(`${site.url}index.html`);
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await site.close();
  await t.close();
}
