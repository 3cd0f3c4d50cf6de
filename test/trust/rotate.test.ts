import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { rotationHolds, type Rotation } from '../../src/trust/rotate';
import { herald } from '../support/cli';
import { testConfig } from '../support/config';
import { EXPLOIT, FUNDS, publish, SAYS, siteHerald, type SiteHerald } from '../site/incident';

let h: SiteHerald | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('herald keys rotate', () => {
  it('announces the new key signed by the old one; what either key signed still verifies, on the command line and on the site', async () => {
    const first = (h = siteHerald());
    await publish(first, `/draft sev1/exploit-investigating ${EXPLOIT}`, 1);
    await first.close();
    h = undefined;
    const { config } = first;
    const env = { HERALD_DB_PATH: config.paths.db, HERALD_SIGNING_KEY_FILE: config.paths.signingKey, HERALD_CHECKPOINTS_FILE: config.paths.checkpoints };

    const rotated = herald(['keys', 'rotate'], env);
    expect(rotated.stdout).toMatch(new RegExp(`^rotated herald's signing key at .+: key ${first.key.keyId} is retired .+\\nnew public key \\(key id ([0-9a-f]{16})\\): [A-Za-z0-9+/]{43}=\\n`));
    expect(rotated.code).toBe(0);
    const newId = /key id ([0-9a-f]{16})/.exec(rotated.stdout)![1]!;
    expect(newId).not.toBe(first.key.keyId);
    expect(statSync(config.paths.signingKey).mode & 0o777).toBe(0o600);
    expect(existsSync(`${config.paths.signingKey}.next`)).toBe(false);

    // herald starts again with the new key and publishes the funds update.
    const second = (h = siteHerald({ again: first }));
    second.clock.set(Date.parse('2026-06-01T14:20:00.000Z'));
    await publish(second, `/draft sev1/funds-update ${FUNDS}`, 2);
    const text = (says: string) => [...first.pubs.telegram.sent, ...second.pubs.telegram.sent].find((s) => s.text.includes(says))!.text;
    expect(herald(['verify'], env, text(SAYS[0]!)).stdout).toMatch(new RegExp(`^signed by herald: draft #1 on Telegram .+, key ${first.key.keyId}$`, 'm'));
    expect(herald(['verify'], env, text(SAYS[1]!)).stdout).toMatch(new RegExp(`^signed by herald: draft #2 on Telegram .+, key ${newId}$`, 'm'));
    expect(herald(['verify', '--site', second.dir], env, text(SAYS[0]!)).code).toBe(0);
    expect(herald(['verify', '--site', second.dir], env, text(SAYS[1]!)).code).toBe(0);
    // Checkpoints signed before and after the rotation all still check.
    expect(herald(['audit', 'verify', '--against', config.paths.checkpoints], env).code).toBe(0);

    const wellKnown = JSON.parse(second.file('.well-known/herald.json')) as { keys: Array<{ key_id: string; public_key: string; retired_at?: string }>; rotations: Rotation[] };
    expect(wellKnown.keys.map((k) => [k.key_id, !!k.retired_at])).toEqual([
      [newId, false],
      [first.key.keyId, true],
    ]);
    const [rotation] = wellKnown.rotations;
    expect(rotation).toMatchObject({ from: first.key.keyId, to: newId });
    expect(rotationHolds(rotation!, first.key)).toBe(true);
    // Someone who swaps in a key of their own breaks both signatures.
    expect(rotationHolds({ ...rotation!, public_key: first.key.publicKey }, first.key)).toBe(false);
  }, 90_000); // two herald runs and the binary seven times

  it('without a key there is nothing to rotate: one line, exit 1', () => {
    const config = testConfig();
    const r = herald(['keys', 'rotate'], { HERALD_SIGNING_KEY_FILE: config.paths.signingKey });
    expect(r.stderr).toBe(`herald: HERALD_SIGNING_KEY_FILE: there is no signing key at ${config.paths.signingKey} to rotate; run herald keys init first\n`);
    expect(r.code).toBe(1);
  });
});
