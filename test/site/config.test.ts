import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir, testConfig } from '../support/config';

/** The test fixture with `extra` YAML added, as a config file of its own. */
function fixtureWith(extra: string): string {
  const file = join(tempDir(), 'herald.yaml');
  writeFileSync(file, `${readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8')}\n${extra}\n`);
  return file;
}

describe('status_site in the config file', () => {
  it('is on by default, built in status-site beside the database file; a dir of its own is relative to where herald runs', () => {
    // Docker's HERALD_DB_PATH and systemd's: the folders each already makes writable.
    expect(testConfig({ HERALD_DB_PATH: '/data/herald.db' }).statusSite).toEqual({ dir: '/data/status-site' });
    expect(testConfig({ HERALD_DB_PATH: '/var/lib/herald/herald.db' }).statusSite).toEqual({ dir: '/var/lib/herald/status-site' });
    expect(testConfig({ HERALD_DB_PATH: 'data/herald.db', HERALD_CONFIG: fixtureWith('status_site: {}') }).statusSite).toEqual({ dir: join(ROOT, 'data/status-site') });
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
});
