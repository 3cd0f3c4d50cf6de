import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/core/statement/render';
import { loadLibrary } from '../../src/core/templates/library';
import { ROOT, tempDir, testConfig } from '../support/config';

/** The test fixture with `extra` YAML added (and `change` made to it), as a config file of its own. */
function fixtureWith(extra: string, change: (yaml: string) => string = (y) => y): string {
  const file = join(tempDir(), 'herald.yaml');
  writeFileSync(file, `${change(readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8'))}\n${extra}\n`);
  return file;
}

describe('status_site in the config file', () => {
  it('is on by default, built in status-site beside the database file; a dir of its own is relative to where herald runs', () => {
    // Docker's HERALD_DB_PATH and systemd's: the folders each already makes writable.
    expect(testConfig({ HERALD_DB_PATH: '/data/herald.db' }).statusSite).toEqual({ dir: '/data/status-site' });
    expect(testConfig({ HERALD_DB_PATH: '/var/lib/herald/herald.db' }).statusSite).toEqual({ dir: '/var/lib/herald/status-site' });
    expect(testConfig({ HERALD_DB_PATH: 'data/herald.db', HERALD_CONFIG: fixtureWith('status_site: {}') }).statusSite).toEqual({ dir: join(ROOT, 'data/status-site') });
    expect(testConfig({ HERALD_DB_PATH: '/data/herald.db', HERALD_CONFIG: fixtureWith('status_site: true') }).statusSite).toEqual({ dir: '/data/status-site' });
    expect(testConfig({ HERALD_CONFIG: fixtureWith('status_site: { dir: /srv/status }') }).statusSite).toEqual({ dir: '/srv/status' });
    expect(testConfig({ HERALD_CONFIG: fixtureWith('status_site: { dir: public/status }') }).statusSite).toEqual({ dir: join(ROOT, 'public/status') });
  });

  it('is off with status_site: false, enabled: false, or a database in memory', () => {
    expect(testConfig({ HERALD_CONFIG: fixtureWith('status_site: false') }).statusSite).toBeUndefined();
    expect(testConfig({ HERALD_CONFIG: fixtureWith('status_site: { enabled: false, dir: /srv/status }') }).statusSite).toBeUndefined();
    expect(testConfig({ HERALD_DB_PATH: ':memory:' }).statusSite).toBeUndefined();
    // In memory, a folder named in the config still gets the site.
    expect(testConfig({ HERALD_DB_PATH: ':memory:', HERALD_CONFIG: fixtureWith('status_site: { dir: /srv/status }') }).statusSite).toEqual({ dir: '/srv/status' });
    const file = fixtureWith('status_site: { publish: [{ type: dir, path: /srv/mirror }] }');
    expect(() => testConfig({ HERALD_DB_PATH: ':memory:', HERALD_CONFIG: file })).toThrow(
      `${file}: status_site.dir: is required with status_site.publish while the database is in memory; name the folder the site is built in`,
    );
  });

  it('an unknown key under it is one line naming it', () => {
    const file = fixtureWith('status_site: { folder: /srv/status }');
    expect(() => testConfig({ HERALD_CONFIG: file })).toThrow(`${file}: status_site: unknown setting(s) folder; remove or correct them`);
  });

  it('gives templates {{org.verify_url}}: verify.html at org.status_page, else at a destination url; none without a site', () => {
    const withStatusPage = testConfig();
    expect(withStatusPage.org.verify_url).toBe('https://status.acme.finance/verify.html');
    const noStatusPage = (y: string) => y.replace(/^ {2}status_page: .*\n/m, '');
    const mirrored = testConfig({ HERALD_CONFIG: fixtureWith('status_site: { publish: [{ type: dir, path: /srv/status, url: "https://status.acme-status.net/" }] }', noStatusPage) });
    expect(mirrored.org.verify_url).toBe('https://status.acme-status.net/verify.html');
    expect(testConfig({ HERALD_CONFIG: fixtureWith('', noStatusPage) }).org.verify_url).toBeUndefined();
    expect(testConfig({ HERALD_CONFIG: fixtureWith('status_site: false') }).org.verify_url).toBeUndefined();

    // A template links to it, and the link guard lets herald's own site through on its own domain.
    const dir = tempDir();
    mkdirSync(join(dir, 'sev4'));
    writeFileSync(
      join(dir, 'sev4', 'check-it.hbs'),
      '---\ntitle: Check it\ndescription: Where to check a statement\nvariables: {}\n---\nCheck any statement at {{org.verify_url}}\n=== x ===\nCheck any statement at {{org.verify_url}}\n',
    );
    const lib = loadLibrary(dir, dir);
    expect(lib.problems).toEqual([]);
    const template = lib.templates.get('sev4/check-it')!;
    expect(renderTemplate(template, {}, mirrored).plain).toBe('Check any statement at https://status.acme-status.net/verify.html');
  });
});

describe('status_site.publish in the config file', () => {
  it('names each destination (site-1, site-2… unless given), resolves local paths, and keeps git branch gh-pages by default', () => {
    const file = fixtureWith('status_site: { dir: /srv/status, publish: [{ type: dir, path: mirror }, { type: git, remote: ../pages.git }, { type: git, name: codeberg, remote: "git@codeberg.org:acme/status.git", branch: pages }] }');
    expect(testConfig({ HERALD_CONFIG: file }).statusSite).toEqual({
      dir: '/srv/status',
      publish: [
        { id: 'site-1', type: 'dir', path: join(ROOT, 'mirror') },
        { id: 'site-2', type: 'git', remote: join(ROOT, '../pages.git'), branch: 'gh-pages' },
        { id: 'codeberg', type: 'git', remote: 'git@codeberg.org:acme/status.git', branch: 'pages' },
      ],
    });
  });

  it('refuses, in one line each, an unknown type, two destinations of one name, and a remote carrying a password', () => {
    const refusal = (publish: string) => {
      const file = fixtureWith(`status_site: { dir: /srv/status, publish: [${publish}] }`);
      try {
        testConfig({ HERALD_CONFIG: file });
      } catch (err) {
        return (err as Error).message.replace(`${file}: `, '');
      }
      return 'accepted';
    };
    const unknown = refusal('{ type: s3, bucket: status }');
    const twice = refusal('{ type: dir, name: a, path: /srv/a }, { type: dir, name: a, path: /srv/b }');
    const password = refusal('{ type: git, remote: "https://bot:hunter2@github.com/acme/status.git" }');
    expect(unknown).toMatch(/^status_site\.publish\.0(\.type)?: expected type: dir \(with path\) or type: git \(with remote and branch\)/);
    expect(twice).toBe('status_site.publish.1.name: a names another destination too; give each its own name');
    expect(password).toMatch(/^status_site\.publish\.0\.remote: a remote must not carry a password or token; use an SSH key or a git credential helper/);
    expect(password).not.toContain('hunter2');
    for (const message of [unknown, twice, password]) expect(message.split('\n')).toHaveLength(1);
  });
});
