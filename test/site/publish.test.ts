import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types';
import { readiness } from '../../src/ops/sources';
import { sharedInfrastructure } from '../../src/site/domains';
import { siteShipper } from '../../src/site/ship';
import { createKeyFile } from '../../src/trust/keys';
import { tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { deliveriesOf } from '../support/rows';
import { EXPLOIT, publish } from './incident';

let h: ReturnType<typeof testHerald> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

describe('publishing the status site', () => {
  it('goes to a bare git repository and a folder; a folder that cannot be written retries on its own while the rest deliver', async () => {
    const root = tempDir();
    const remote = join(root, 'pages.git');
    mkdirSync(remote);
    git(remote, 'init', '--quiet', '--bare');
    const served = join(root, 'www', 'status');
    mkdirSync(join(root, 'www'));
    // A path under a regular file cannot be written, not even by root.
    writeFileSync(join(root, 'not-a-folder'), '');
    const broken = join(root, 'not-a-folder', 'status');
    const base = testConfig();
    const config: Config = {
      ...base,
      statusSite: {
        dir: join(root, 'build'),
        publish: [
          { id: 'pages', type: 'git', remote, branch: 'gh-pages' },
          { id: 'www', type: 'dir', path: served },
          { id: 'mirror', type: 'dir', path: broken },
        ],
      },
    };
    createKeyFile(config.paths.signingKey);
    const t = (h = testHerald(config));
    t.herald.trust.start();
    await publish(t, `/draft sev1/exploit-investigating ${EXPLOIT}`, 1);

    // The chat platforms delivered.
    expect(deliveriesOf(t.db, 1).map((d) => d.status)).toEqual(deliveriesOf(t.db, 1).map(() => 'sent'));
    // The git branch carries the site with the statement.
    const clone = join(root, 'clone');
    execFileSync('git', ['clone', '--quiet', '--branch', 'gh-pages', remote, clone]);
    expect(readFileSync(join(clone, 'index.html'), 'utf8')).toContain('the USDC lending pool on Ethereum');
    const feed = JSON.parse(readFileSync(join(clone, 'feed.json'), 'utf8')) as { items: Array<{ content_text?: string; content_html?: string }> };
    expect(feed.items.some((i) => (i.content_text ?? i.content_html ?? '').includes('the USDC lending pool on Ethereum'))).toBe(true);
    expect(existsSync(join(clone, '.well-known', 'herald.json'))).toBe(true);
    // So does the folder a web server serves.
    expect(readFileSync(join(served, 'index.html'), 'utf8')).toContain('the USDC lending pool on Ethereum');
    expect(JSON.parse(readFileSync(join(served, 'feed.json'), 'utf8')).items).toHaveLength(1);

    // The broken folder is retrying, with why and when, in the preview and /status; the others show delivered.
    const retrying = /⏳ mirror \(status site\) — could not write .*not-a-folder\/status: a part of the path is a file, not a folder \(ENOTDIR\); retrying at \d\d:\d\d:\d\d UTC/u;
    const status = t.chat.say('bob', '/status #1').text;
    expect(status).toMatch(retrying);
    expect(status).toMatch(/✅ pages \(status site\) — gh-pages@[0-9a-f]{12}/u);
    expect(status).toContain(`✅ www (status site) — ${served}`);
    expect(t.chat.say('bob', '/status').text).toMatch(/Status site:\n✅ pages — gh-pages@[0-9a-f]{12}\n✅ www — .*\n⏳ mirror — could not write/u);
    const ready = readiness({ db: t.db, platforms: () => [], role: () => 'single' });
    expect(ready.statusSite).toMatchObject({
      pages: { status: 'published', attempts: 0 },
      www: { status: 'published' },
      mirror: { status: 'pending', attempts: 1, reason: expect.stringContaining('ENOTDIR'), retryAt: expect.any(String) },
    });

    // Its backoff passes: tried again, still pending; once the path is a folder, it publishes.
    t.clock.advance(config.delivery.max_delay_ms);
    await t.herald.trust.idle();
    expect(readiness({ db: t.db, platforms: () => [], role: () => 'single' }).statusSite!.mirror).toMatchObject({ status: 'pending', attempts: 2 });
    execFileSync('rm', [join(root, 'not-a-folder')]);
    t.clock.advance(config.delivery.max_delay_ms * 2);
    await t.herald.trust.idle();
    expect(readFileSync(join(broken, 'index.html'), 'utf8')).toContain('the USDC lending pool on Ethereum');
    expect(t.chat.say('bob', '/status #1').text).toContain(`✅ mirror (status site) — ${broken}`);
  });

  it('a folder made unwritable after its first publish is refused, naming it and what to do, and published again once writable', async () => {
    const root = tempDir();
    const build = join(root, 'build');
    mkdirSync(build);
    writeFileSync(join(build, 'index.html'), 'first build');
    const served = join(root, 'status');
    const ship = siteShipper(build, join(root, 'work'), 5000);
    const www = { id: 'www', type: 'dir', path: served } as const;
    expect(await ship.publish(www)).toEqual({ link: served });
    const release = realpathSync(served);

    // Frozen by the operator: write permission taken away; root may write anywhere, so for root
    // the folder served is made a file instead.
    const root_ = process.getuid?.() === 0;
    if (root_) {
      rmSync(release, { recursive: true });
      writeFileSync(release, '');
    } else chmodSync(release, 0o555);
    writeFileSync(join(build, 'index.html'), 'second build');
    const why = root_ ? 'it is not a folder' : 'permission denied (EACCES)';
    await expect(ship.publish(www)).rejects.toThrow(`could not write ${served}: ${why}; make it a folder herald may write to (or remove it, and herald makes it), and it is tried again`);
    expect(realpathSync(served)).toBe(release);

    if (root_) rmSync(release);
    else chmodSync(release, 0o755);
    expect(await ship.publish(www)).toEqual({ link: served });
    expect(readFileSync(join(served, 'index.html'), 'utf8')).toBe('second build');
  });

  it('warns when a destination shares the registrable domain of the team website', () => {
    const base = testConfig();
    const config: Pick<Config, 'org' | 'statusSite'> = {
      org: { ...base.org, website: 'https://acme.finance' },
      statusSite: {
        dir: '/tmp/x',
        publish: [
          { id: 'own', type: 'dir', path: '/srv/status', url: 'https://status.acme.finance' },
          { id: 'pages', type: 'git', remote: 'git@github.com:acme/status.git', branch: 'gh-pages', url: 'https://acme.github.io/status' },
        ],
      },
    };
    expect(sharedInfrastructure(config)).toEqual([
      'status_site.publish own: status.acme.finance is on acme.finance, the domain of your own site; if that domain or its hosting fails, the status page reporting it fails too; publish to a host on another domain as well',
    ]);
  });
});
