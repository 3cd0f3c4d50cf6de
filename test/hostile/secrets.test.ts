import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { sql } from 'drizzle-orm';
import { privateTexts, slash, startDiscord } from '../platforms/discord/setup';
import { COMMS_ID, type World } from '../platforms/telegram/world';
import { refused, SEV3, worldPool } from './telegram';

// Hostile inputs, family 5: credentials pasted into a command, by mistake or to get them
// published. Each is refused without being repeated, and stored nowhere in the clear.

const OWN_SECRET = 'x-oauth2-user-token-of-herald-0123456789';

const looks = (what: string) =>
  `That message contains what looks like ${what}, so herald did not run it and kept no copy of it; if it is real, reset it now: everyone in this chat has seen it.`;

// Put together at run time, so no file holds a string that looks like a real token.
const DISCORD_TOKEN = ['MTA4NjQ1NzY5MjM0NTY3ODkw', 'GhIjKl', 'abcdefghijklmnopqrstuvwxyz0123456789AB'].join('.');
const TELEGRAM_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const X_BEARER = 'AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F';
const X_ACCESS = '1234567890-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ABCD';
const WEBHOOK = 'https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123';

const CASES: Array<[string, string, string, string]> = [
  ['a Discord bot token in a value', SEV3(`Token ${DISCORD_TOKEN}`), DISCORD_TOKEN, looks('a Discord bot token')],
  ['a Telegram bot token in a value', SEV3(`Token ${TELEGRAM_TOKEN}`), TELEGRAM_TOKEN, looks('a Telegram bot token')],
  ['an X bearer token in a value', SEV3(`Bearer ${X_BEARER}`), X_BEARER, looks('an X bearer token')],
  ['an X access token in a value', SEV3(`Access ${X_ACCESS}`), X_ACCESS, looks('an X access token')],
  ['a Discord webhook URL in a value', SEV3(`Hook ${WEBHOOK}`), WEBHOOK, looks('a Discord webhook URL')],
  ['a private key in a value', SEV3('-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'), '-----BEGIN PRIVATE KEY-----', looks('a private key')],
  ['herald’s own X token in a value', SEV3(`Use ${OWN_SECRET}`), OWN_SECRET, looks('one of herald’s own secrets')],
  ['a token as a draft id', `/show ${TELEGRAM_TOKEN}`, TELEGRAM_TOKEN, looks('a Telegram bot token')],
  ['a token in a rejection reason', `/reject #1 leaked ${DISCORD_TOKEN}`, DISCORD_TOKEN, looks('a Discord bot token')],
  ['a token in an /edit', `/edit #1 impact="${X_ACCESS}"`, X_ACCESS, looks('an X access token')],
  ['a token after an unknown command', `/login ${TELEGRAM_TOKEN}`, TELEGRAM_TOKEN, looks('a Telegram bot token')],
];

/** The tables of herald's database whose rows, as text, contain the secret. */
function tablesWith(db: World['herald']['core']['db'], secret: string): string[] {
  const tables = db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table'`).map((t) => t.name);
  return tables.filter((t) => JSON.stringify(db.all(sql.raw(`SELECT * FROM "${t}"`))).includes(JSON.stringify(secret).slice(1, -1)));
}

/** Every table of herald's database, every log line and every reply: the secret is in none of them. */
function storedAnywhere(w: World, secret: string): string[] {
  w.herald.core.audit.flush();
  const found = tablesWith(w.herald.core.db, secret);
  if (w.logs.some((l) => l.includes(secret))) found.push('log');
  if (w.shown(COMMS_ID).some((m) => m.text.includes(secret))) found.push('a reply');
  return found;
}

describe('secrets: a credential is refused without being repeated, and stored nowhere', () => {
  const pool = worldPool({ env: { X_OAUTH2_USER_TOKEN: OWN_SECRET } });
  afterAll(async () => pool.close());

  it.each(CASES)('%s', async (_what, command, secret, sentence) => {
    const w = await pool.get();
    await refused(w, 'alice', command, sentence);
    expect(storedAnywhere(w, secret)).toEqual([]);
  });
});

describe('secrets on Discord', () => {
  it('a token in a slash command’s variables is refused privately and kept nowhere', async () => {
    const s = await startDiscord();
    onTestFinished(() => s.close());
    const id = await slash(s, 'alice', 'draft', { template: 'sev3/incident-minor', vars: `affected="the vault" impact="Token ${TELEGRAM_TOKEN}"` });
    expect(privateTexts(s, id)).toEqual([looks('a Telegram bot token')]);
    s.herald.core.audit.flush();
    expect(tablesWith(s.herald.core.db, TELEGRAM_TOKEN)).toEqual([]);
    expect(s.logs.filter((l) => l.includes(TELEGRAM_TOKEN))).toEqual([]);
  });
});
