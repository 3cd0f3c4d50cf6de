import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyFile } from '../../src/trust/keys';
import { herald } from '../support/cli';
import { tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';

let h: ReturnType<typeof testHerald> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const at = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00.000Z`);
const EXPLOIT = 'affected="the USDC lending pool on Ethereum" funds_status="Funds in all other Acme pools are not affected." user_action="Do not deposit into any Acme pool." next_update="in 30 minutes"';
const FUNDS = 'incident="the exploit of the USDC lending pool" confirmed_impact="1,204,530 USDC was taken from the pool." next_update="in 1 hour"';
const RESOLVED = 'resolution="The vulnerable contract was replaced by a fixed version."';
/** What each of the three statements says that the others do not. */
const SAYS = ['the USDC lending pool on Ethereum', '1,204,530 USDC was taken from the pool.', 'The vulnerable contract was replaced by a fixed version.'];

async function publish(t: NonNullable<typeof h>, text: string, id: number): Promise<void> {
  t.chat.say('alice', text);
  t.chat.say('bob', `/approve #${id}`);
  t.chat.say('carol', `/approve #${id}`);
  await t.herald.worker.idle();
  await t.herald.trust.idle();
}

describe('the status site', () => {
  it('after an incident of three statements: pages, feeds a real parser reads, Statuspage-shaped API, keys and signatures herald verify --site checks', async () => {
    const dir = join(tempDir(), 'status-site');
    const base = testConfig();
    const config = { ...base, statusSite: { dir } };
    const key = createKeyFile(config.paths.signingKey);
    const t = (h = testHerald(config));
    t.herald.trust.start();
    const file = (p: string) => readFileSync(join(dir, p), 'utf8');

    await publish(t, `/draft sev1/exploit-investigating ${EXPLOIT}`, 1);
    expect(file('index.html')).toContain('Next update by <time datetime="2026-06-01T14:30:00.000Z">2026-06-01 14:30 UTC</time>.');
    // When the promise falls due with no update, the site says so without anyone asking.
    t.clock.set(at('14:31'));
    await t.herald.trust.idle();
    expect(file('index.html')).toContain('<span class="overdue">overdue</span>');

    t.clock.set(at('14:35'));
    await publish(t, `/draft sev1/funds-update ${FUNDS}`, 2);
    t.clock.set(at('15:40'));
    await publish(t, `/draft sev1/resolved ${RESOLVED}`, 3);

    // The feeds, read by a real parser, carry every statement.
    for (const name of ['feed.atom', 'feed.rss']) {
      const feed = parseFeed(file(name));
      expect(feed.items, name).toHaveLength(3);
      for (const says of SAYS) expect(feed.items.some((i) => (i.content ?? i.description ?? '').includes(says)), `${name}: ${says}`).toBe(true);
      expect(feed.items.every((i) => i.url?.startsWith('https://status.acme.finance/incidents/1.html#update-'))).toBe(true);
    }
    const jsonFeed = JSON.parse(file('feed.json')) as { version: string; items: Array<{ id: string; content_text?: string; content_html?: string; date_published: string }> };
    expect(jsonFeed.version).toMatch(/^https:\/\/jsonfeed\.org\/version\/1(\.1)?$/);
    expect(jsonFeed.items).toHaveLength(3);
    for (const says of SAYS) expect(jsonFeed.items.some((i) => (i.content_text ?? i.content_html ?? '').includes(says))).toBe(true);

    // Statuspage's shape, for the fields herald has.
    const summary = JSON.parse(file('api/v2/summary.json'));
    expect(summary).toEqual({
      page: { id: expect.any(String), name: 'Acme Finance', url: 'https://status.acme.finance', time_zone: 'Etc/UTC', updated_at: expect.any(String) },
      components: [],
      incidents: [],
      scheduled_maintenances: [],
      status: { indicator: 'none', description: 'All Systems Operational' },
    });
    const { incidents } = JSON.parse(file('api/v2/incidents.json'));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: '1', status: 'resolved', impact: 'critical', shortlink: 'https://status.acme.finance/incidents/1.html', resolved_at: new Date(at('15:40')).toISOString(), components: [] });
    expect(incidents[0].incident_updates.map((u: { status: string }) => u.status)).toEqual(['resolved', 'investigating', 'investigating']);
    expect(incidents[0].incident_updates[0].body).toContain(SAYS[2]);
    for (const u of incidents[0].incident_updates) expect(Object.keys(u).sort()).toEqual(['affected_components', 'body', 'created_at', 'deliver_notifications', 'display_at', 'id', 'incident_id', 'status', 'updated_at']);

    // The timeline page, history on the index.
    const page = file('incidents/1.html');
    for (const says of SAYS) expect(page).toContain(says.replace(/&/g, '&amp;'));
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(file('index.html')).toContain('No open incidents.');
    expect(file('index.html')).toContain('<a href="incidents/1.html">');

    // The public key and the latest checkpoint, as herald wrote it.
    const wellKnown = JSON.parse(file('.well-known/herald.json'));
    expect(wellKnown.keys).toEqual([{ key_id: key.keyId, algorithm: 'Ed25519', public_key: key.publicKey }]);
    const checkpoints = readFileSync(config.paths.checkpoints, 'utf8').trim().split('\n');
    expect(wellKnown.checkpoint).toEqual(JSON.parse(checkpoints.at(-1)!));

    // A member checks the funds update as Telegram showed it, against the site alone.
    const posted = t.pubs.telegram.sent.find((s) => s.text.includes(SAYS[1]!))!.text;
    const env = { HERALD_DB_PATH: join(tempDir(), 'none.db') };
    const ok = herald(['verify', '--site', dir], env, posted);
    // Discord's rendered text reads as Telegram's, so both are named.
    expect(ok.stdout).toMatch(/^signed by herald: draft #2 on Telegram \(target telegram-main\), posted .+, key [0-9a-f]{16}$/m);
    expect(ok.stdout.trim().split('\n').every((l) => l.startsWith('signed by herald: draft #2 on '))).toBe(true);
    expect(ok.code).toBe(0);
    const forged = herald(['verify', '--site', dir], env, posted.replace('1,204,530', '1,204,531'));
    expect(forged.stdout).toBe(`NOT signed by herald: no statement in the ${JSON.parse(file('statements.json')).length} signatures published at ${dir} has this text\n`);
    expect(forged.code).toBe(1);
  });
});
