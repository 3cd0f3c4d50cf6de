import { afterEach, describe, expect, it } from 'vitest';
import { herald } from '../support/cli';
import { approve, EXPLOIT, publish, siteHerald, type SiteHerald } from '../site/incident';

let h: SiteHerald | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('herald verify after a correction and a retraction', () => {
  it('still recognises what herald posted, and says when a correction replaced it or it was retracted', async () => {
    const t = (h = siteHerald());
    const env = { HERALD_DB_PATH: t.config.paths.db, HERALD_SIGNING_KEY_FILE: t.config.paths.signingKey };
    await publish(t, `/draft sev1/exploit-investigating ${EXPLOIT}`, 1);
    const original = { telegram: t.pubs.telegram.sent[0]!.text, x: t.pubs.x.sent[0]!.text };

    t.chat.say('alice', '/correct #1 affected="the USDT lending pool on Ethereum"');
    await approve(t, 1);
    // Telegram edits the post in place; X answers it with the correction.
    const corrected = t.pubs.telegram.edited.at(-1)!.text;
    expect(corrected).toContain('USDT');
    const xCorrection = t.pubs.x.sent.at(-1)!.text;
    expect(herald(['verify'], env, corrected).stdout).toMatch(/^signed by herald: draft #1 on Telegram \(target telegram-main\), posted [^;]+, key [0-9a-f]{16}$/m);
    expect(herald(['verify'], env, original.telegram).stdout).toMatch(/^signed by herald: draft #1 on Telegram .+; a correction has replaced it since$/m);
    expect(herald(['verify'], env, original.x).stdout).toMatch(/^signed by herald: draft #1 on X .+; a correction has replaced it since$/m);
    expect(herald(['verify'], env, xCorrection).stdout).toMatch(/^signed by herald: draft #1 on X \(target x\), posted [^;]+, key [0-9a-f]{16}\n$/);

    t.chat.say('alice', '/retract #1 the affected pool was misidentified');
    await approve(t, 1);
    const after = herald(['verify'], env, corrected);
    expect(after.stdout).toMatch(/^signed by herald: draft #1 on Telegram .+; it has since been retracted$/m);
    expect(after.code).toBe(0);
    // The public notice that replaced it is herald's word now.
    const notice = t.pubs.telegram.sent.at(-1)!.text;
    expect(notice).not.toBe(original.telegram);
    expect(herald(['verify'], env, notice).stdout).toMatch(/^signed by herald: draft #1 on Telegram \(target telegram-main\), posted [^;]+, key [0-9a-f]{16}$/m);
    // The site says the same: every post of the statement retracted, only the notice's current.
    const published = JSON.parse(t.file('statements.json')) as Array<{ text: string; state: string }>;
    expect(published.filter((p) => p.state === 'current').every((p) => !p.text.includes('lending pool on Ethereum until'))).toBe(true);
    expect(published.filter((p) => p.state === 'current').length).toBeGreaterThan(0);
    expect(published.filter((p) => p.state === 'retracted').length).toBeGreaterThan(0);
  }, 90_000); // the herald binary six times
});
