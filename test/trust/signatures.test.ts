import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyFile } from '../../src/trust/keys';
import { statementSignatures } from '../../src/store/schema';
import { CH, CHANNEL_ID } from '../support/cast';
import { herald } from '../support/cli';
import { startHerald, type StartedHerald } from '../support/herald';
import { until } from '../support/until';
import { THREAD_VARS } from '../support/vars';

let h: StartedHerald | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Changes one character in the middle of a text: a digit becomes another digit, anything else an 'x'. */
const oneCharChanged = (text: string) => {
  const i = Math.floor(text.length / 2);
  const c = text[i]!;
  return text.slice(0, i) + (/\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'x' ? 'y' : 'x') + text.slice(i + 1);
};

describe('herald verify: statements signed as they are posted', () => {
  it("accepts the exact text of each post herald made on Discord, Telegram and X, and refuses it with one character changed", async () => {
    h = await startHerald({ platforms: ['discord', 'telegram', 'x'], configure: (c) => void createKeyFile(c.paths.signingKey) });
    const env = { HERALD_DB_PATH: h.config.paths.db, HERALD_SIGNING_KEY_FILE: h.config.paths.signingKey };
    // Owner-only: the key file 0600 and its folder 0700.
    expect(statSync(h.config.paths.signingKey).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(h.config.paths.signingKey)).mode & 0o777).toBe(0o700);

    // Typed in the Discord comms channel of the Discord fixture (sev1 goes to two Discord channels, Telegram and X).
    const inComms = { chatId: CH.comms };
    h.chat.say('alice', `/draft sev1/exploit-investigating ${THREAD_VARS}`, inComms);
    h.chat.say('bob', '/approve #1', inComms);
    expect(h.chat.say('carol', '/approve #1', inComms).outcome.broadcastId).toBeDefined();
    const emus = h.emus;
    const posts = await until(
      () => {
        const discord = [CH.news, CH.status].flatMap((ch) => emus.discord!.messages(ch).filter((m) => m.type === 0 && !m.deleted));
        const telegram = emus.telegram!.messages(CHANNEL_ID).filter((m) => m.sender === 'bot' || m.sender === 'channel');
        const x = emus.x!.posts().filter((p) => !p.deleted);
        const signed = h!.db.select().from(statementSignatures).all();
        const parts = discord.length + telegram.length + x.length;
        return discord.length > 0 && telegram.length > 0 && x.length > 1 && new Set(signed.map((s) => s.partId)).size >= parts && { discord, telegram, x };
      },
      {
        timeoutMs: 20_000,
        what: () =>
          `every post signed (Discord ${emus.discord!.messages(CH.news).length}, Telegram ${emus.telegram!.messages(CHANNEL_ID).length}, X ${emus.x!.posts().length}, signatures ${h!.db.select().from(statementSignatures).all().length}; ${h!.logs.filter((l) => /"level":[45]0/.test(l)).join(' ')})`,
      },
    );
    const texts: Array<[string, string]> = [
      ...posts.discord.map((m) => ['Discord', m.content] as [string, string]),
      ...posts.telegram.map((m) => ['Telegram', m.text] as [string, string]),
      ...posts.x.map((p) => ['X', p.text] as [string, string]),
    ];
    for (const [platform, text] of texts) {
      const ok = herald(['verify'], env, text);
      // The same words may have gone out on several platforms (Telegram's text reads as Discord's does): each is named.
      expect(ok.stdout, `${platform}: ${text}`).toMatch(new RegExp(`^signed by herald: draft #1 on ${platform} \\(target [\\w-]+\\), posted \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, key [0-9a-f]{16}$`, 'm'));
      expect(ok.stdout.trim().split('\n').every((l) => l.startsWith('signed by herald: draft #1 on '))).toBe(true);
      expect(ok.code).toBe(0);
      const bad = herald(['verify'], env, oneCharChanged(text));
      expect(bad.stdout, `${platform}: ${oneCharChanged(text)}`).toMatch(/^NOT signed by herald: no statement in herald's database with key [0-9a-f]{16} has this text\n$/);
      expect(bad.code).toBe(1);
    }
    // A copy from a chat app that ends lines with CRLF, adds a trailing space and a final newline still verifies.
    const telegram = posts.telegram[0]!.text;
    expect(herald(['verify'], env, `${telegram.replace(/\n/g, ' \r\n')}\r\n`).code).toBe(0);
    // The key never reaches the database or the audit log.
    const pem = readFileSync(h.config.paths.signingKey, 'utf8');
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const dump = h.db.$client.prepare(`SELECT group_concat(data, '') AS all_data FROM audit_events`).get() as { all_data: string };
    expect(dump.all_data).not.toContain(body);
    expect(h.logs.join('')).not.toContain(body);
  }, 120_000); // three real platforms, then the herald binary run twice for each of their posts
});
