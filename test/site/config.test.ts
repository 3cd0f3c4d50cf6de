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
  it('is off unless configured; dir defaults to data/status-site, relative to where herald runs', () => {
    expect(testConfig().statusSite).toBeUndefined();
    expect(testConfig({ HERALD_CONFIG: fixtureWith('status_site: {}') }).statusSite).toEqual({ dir: join(ROOT, 'data/status-site') });
    expect(testConfig({ HERALD_CONFIG: fixtureWith('status_site: { dir: /srv/status }') }).statusSite).toEqual({ dir: '/srv/status' });
  });

  it('an unknown key under it is one line naming it', () => {
    const file = fixtureWith('status_site: { folder: /srv/status }');
    expect(() => testConfig({ HERALD_CONFIG: file })).toThrow(`${file}: status_site: unknown setting(s) folder; remove or correct them`);
  });
});
