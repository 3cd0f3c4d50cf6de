import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { herald, heraldAsync, outsideSql } from '../support/cli';
import { tempDir } from '../support/config';
import { at, EXPLOIT, SAYS, serveSite, siteHerald, threeStatements, type SiteHerald } from './incident';
import { testConfig } from '../support/config';
import { until } from '../support/until';

let h: SiteHerald | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the status site', () => {
  it('shows a statement while a platform has yet to answer its post', async () => {
    // X holds its answer back, and herald would wait for it for a minute before trying again.
    const base = testConfig();
    const t = (h = siteHerald({ config: { ...base, delivery: { ...base.delivery, request_timeout_ms: 60_000 } } }));
    let answer!: () => void;
    t.pubs.x.script('x', { gate: new Promise<void>((resolve) => (answer = resolve)) });
    t.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT}`);
    t.chat.say('bob', '/approve #1');
    t.chat.say('carol', '/approve #1');
    await until(() => existsSync(join(t.dir, 'index.html')) && t.file('index.html').includes(SAYS[0]!), { what: 'the site to show the statement' });
    expect(t.pubs.x.sent).toHaveLength(0);
    answer();
    await t.herald.worker.idle();
    await t.herald.trust.idle();
  });

  it('after an incident of three statements: pages, feeds a real parser reads, Statuspage-shaped API, keys and signatures herald verify --site checks', async () => {
    const t = (h = siteHerald());
    const { dir, key, file, config } = t;
    await threeStatements(t, async () => {
      expect(file('index.html')).toContain('Next update by <time datetime="2026-06-01T14:30:00.000Z">2026-06-01 14:30 UTC</time>.');
      expect(file('index.html')).not.toContain('<span class="overdue">');
      // When the promise falls due with no update, the site says so without anyone asking.
      t.clock.set(at('14:31'));
      await t.herald.trust.idle();
      expect(file('index.html')).toContain('<span class="overdue">overdue</span>');
    });

    // The feeds, read by a real parser, carry every statement.
    for (const name of ['feed.atom', 'feed.rss']) {
      const feed = parseFeed(file(name));
      expect(feed.items, name).toHaveLength(3);
      for (const says of SAYS) expect(feed.items.some((i) => (i.content ?? i.description ?? '').includes(says)), `${name}: ${says}`).toBe(true);
      expect(feed.items.every((i) => i.url?.startsWith('https://status.acme.finance/incidents/1.html#update-'))).toBe(true);
    }
    // JSON Feed 1.1: authors at the top, each item dated and in plain text only.
    const jsonFeed = JSON.parse(file('feed.json')) as {
      version: string;
      authors: Array<{ name: string }>;
      items: Array<{ id: string; url: string; content_text: string; content_html?: string; date_published: string }>;
    };
    expect(jsonFeed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(jsonFeed.authors).toEqual([{ name: 'Acme Finance', url: 'https://status.acme.finance/' }]);
    expect(jsonFeed.items).toHaveLength(3);
    for (const item of jsonFeed.items) {
      expect(item.content_html).toBeUndefined();
      expect(new Date(item.date_published).toISOString()).toBe(item.date_published);
      expect(item.url).toMatch(/^https:\/\/status\.acme\.finance\/incidents\/1\.html#update-\d+$/);
    }
    expect(jsonFeed.items.map((i) => i.date_published)).toEqual([...jsonFeed.items.map((i) => i.date_published)].sort().reverse());
    for (const says of SAYS) expect(jsonFeed.items.some((i) => i.content_text.includes(says))).toBe(true);

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

  it('served over HTTP: herald verify --site URL checks a statement, and audit verify --against the published herald.json, the site base URL or its folder catches a cut log', async () => {
    const t = (h = siteHerald());
    await threeStatements(t);
    const site = await serveSite(t.dir);
    try {
      const posted = t.pubs.x.sent.find((s) => s.text.includes(SAYS[2]!))!.text;
      const member = await heraldAsync(['verify', '--site', site.url], { HERALD_DB_PATH: join(tempDir(), 'none.db') }, posted);
      expect(member.stdout).toMatch(/^signed by herald: draft #3 on X \(target x\), posted /m);
      expect(member.code).toBe(0);

      const published = `${site.url}.well-known/herald.json`;
      const env = { HERALD_DB_PATH: t.config.paths.db, HERALD_SIGNING_KEY_FILE: join(tempDir(), 'no-local.key') };
      await t.close();
      h = undefined;
      const intact = await heraldAsync(['audit', 'verify', '--against', published], env);
      expect(intact.stdout).toMatch(/^audit log OK against http:\/\/127\.0\.0\.1:\d+\/\.well-known\/herald\.json: /);
      expect(intact.code).toBe(0);
      // The site's base URL (it answers with its index page) and its folder stand for their herald.json.
      const base = await heraldAsync(['audit', 'verify', '--against', site.url.replace(/\/$/, '')], env);
      expect(base.stdout).toBe(intact.stdout);
      expect(base.code).toBe(0);
      const folder = await heraldAsync(['audit', 'verify', '--against', t.dir], env);
      expect(folder.stdout).toBe(intact.stdout.replace(published, join(t.dir, '.well-known/herald.json')));
      expect(folder.code).toBe(0);
      // Checked with the key the site publishes: no local key needed.
      const head = JSON.parse(t.file('.well-known/herald.json')).checkpoint.seq as number;
      outsideSql(t.config.paths.db, `DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq > ${head - 2};`);
      const cut = await heraldAsync(['audit', 'verify', '--against', published], env);
      expect(cut.stdout).toMatch(new RegExp(`^audit log CUT: .+ but the log ends at row ${head - 2}: rows ${head - 1}–${head} are missing\\n$`));
      expect(cut.code).toBe(1);
      for (const source of [site.url, t.dir]) {
        const r = await heraldAsync(['audit', 'verify', '--against', source], env);
        expect(r.stdout, source).toMatch(/^audit log CUT: /);
        expect(r.code, source).toBe(1);
      }
    } finally {
      await site.close();
    }
  }, 120_000); // Five CLI runs, each a process start: slow on a loaded two-core machine.
});
