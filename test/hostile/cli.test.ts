import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DiscordEmulator } from '@herald/emulators/discord';
import type { TelegramEmulator } from '@herald/emulators/telegram';
import { startEmulators } from '../support/emulators';
import { testHerald } from '../support/herald';
import { herald, outsideSql } from '../support/cli';
import { spawnHerald } from '../e2e/support/herald-process';
import { ROOT, tempDir, testConfig } from '../support/config';
import { COMMS } from '../support/cast';
import { APP, GUILD } from '../support/cast';

// Hostile inputs, family 7: what an operator can get wrong on the command line. Each ends in one
// line on stderr and a documented exit code (README, Command line), never a stack trace.

/** The real binary, without blocking this process (the emulators it talks to run here). */
function heraldAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/herald.mjs', ...args], { cwd: ROOT, env: { ...process.env, HERALD_LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A config file like the fixture whose every policy posts to one target. */
function configFor(target: Record<string, unknown>): string {
  const c = parse(readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8')) as Record<string, any>;
  c.targets = { only: target };
  for (const sev of ['sev1', 'sev2', 'sev3', 'sev4']) c.policies[sev].targets = ['only'];
  const file = join(tempDir(), 'herald.config.yaml');
  writeFileSync(file, stringify(c));
  return file;
}

const TELEGRAM_ENV = (apiRoot: string, token: string) => ({
  HERALD_CONFIG: configFor({ platform: 'telegram', chat: '@acmefinance' }),
  HERALD_DB_PATH: join(tempDir(), 'h.db'),
  TELEGRAM_BOT_TOKEN: token,
  TELEGRAM_API_ROOT: apiRoot,
  TELEGRAM_COMMS_CHAT_ID: COMMS.telegram,
});
const DISCORD_ENV = (apiUrl: string, token: string) => ({
  HERALD_CONFIG: configFor({ platform: 'discord', channel: '1300000000000000011' }),
  HERALD_DB_PATH: join(tempDir(), 'h.db'),
  DISCORD_TOKEN: token,
  DISCORD_APPLICATION_ID: APP,
  DISCORD_GUILD_IDS: GUILD,
  DISCORD_API_URL: apiUrl,
  DISCORD_COMMS_CHANNEL_ID: '1300000000000000010',
});
// Token-shaped test values are put together at run time, so no file holds a string that looks like a real token.
const FAKE_TELEGRAM_TOKEN = `123456789:AA${'A'.repeat(33)}`;
const discordToken = (secret: string) => ['MTA4NjQ1NzY5MjM0NTY3ODkw', 'GhIjKl', secret].join('.');
/** Nothing listens on port 1 of the loopback. */
const UNREACHABLE = 'http://127.0.0.1:1';

let emulators: Array<TelegramEmulator | DiscordEmulator> = [];
afterEach(async () => {
  for (const e of emulators) await e.close();
  emulators = [];
});

/** One line on stderr, the exit code, no stack trace, nothing on stdout. */
function oneLine(r: { code: number | null; stdout: string; stderr: string }, line: string, code: number) {
  expect(r.stderr).toBe(`herald: ${line}\n`);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(code);
}

/** herald starts with the platform down, /readyz names why, and SIGTERM stops it with exit 0. */
async function startsDegraded(env: Record<string, string>, platform: string, reason: string) {
  const h = spawnHerald({ ...env, HERALD_HTTP_PORT: '0' }, { dbPath: env.HERALD_DB_PATH! });
  try {
    await h.ready;
    const line = h.logs.find((l) => l.includes('health and metrics served'))!;
    const res = await fetch(`${(JSON.parse(line) as { url: string }).url}/readyz`);
    const body = (await res.json()) as { ready: boolean; platforms: Record<string, unknown> };
    expect(res.status).toBe(503);
    expect(body.ready).toBe(false);
    expect(body.platforms[platform]).toEqual({ connected: false, reason });
  } finally {
    expect(await h.stop()).toBe(0);
  }
}

function databaseWithEvents(): string {
  const db = join(tempDir(), 'herald.db');
  const h = testHerald(testConfig({ HERALD_DB_PATH: db })).herald;
  h.handle({ platform: 'telegram', eventId: 'e1', chatId: COMMS.telegram, actor: { platform: 'telegram', userId: '202', displayName: 'Bob' }, name: 'whoami', args: { text: '' }, raw: '/whoami', via: 'command' });
  h.handle({ platform: 'telegram', eventId: 'e2', chatId: COMMS.telegram, actor: { platform: 'telegram', userId: '202', displayName: 'Bob' }, name: 'whoami', args: { text: '' }, raw: '/whoami', via: 'command' });
  return db;
}

describe('cli: herald start with each bad setting', () => {
  it('a Telegram token the Bot API refuses (401)', async () => {
    const emu = (await startEmulators(['telegram'])).telegram!;
    emulators.push(emu);
    const r = await heraldAsync(['start'], TELEGRAM_ENV(emu.apiRoot, FAKE_TELEGRAM_TOKEN));
    oneLine(r, "Telegram refused herald's bot token (401 Unauthorized); check TELEGRAM_BOT_TOKEN against BotFather (/mybots → API Token)", 3);
  });

  // A platform that cannot be reached no longer stops herald (issue 14): it starts, keeps trying,
  // and says why in /readyz; SIGTERM still stops it cleanly.
  it('a Telegram Bot API that cannot be reached', async () => {
    await startsDegraded(TELEGRAM_ENV(UNREACHABLE, FAKE_TELEGRAM_TOKEN), 'telegram', "herald could not reach Telegram for getMe (ECONNREFUSED); check the host's network and TELEGRAM_API_ROOT");
  });

  it('a Discord token Discord refuses (401)', async () => {
    const emu = (await startEmulators(['discord'])).discord!;
    emulators.push(emu);
    const r = await heraldAsync(['start'], DISCORD_ENV(emu.restUrl, discordToken('wrong'.repeat(7))));
    expect(r.stderr).toMatch(/^herald: Discord refused DISCORD_TOKEN \([^\n]*\); copy the bot token again from the Developer Portal \(Bot → Reset Token\)\n$/);
    expect(r.stderr).not.toContain('wrongwrong');
    expect(r.code).toBe(3);
  });

  it('a Discord API that cannot be reached', async () => {
    await startsDegraded(DISCORD_ENV(UNREACHABLE, discordToken('abcdefghijklmnopqrstuvwxyz0123456789AB')), 'discord', 'Discord login failed: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('HERALD_CONSOLE_PORT=99999', () => {
    oneLine(herald(['start'], { HERALD_CONSOLE_PORT: '99999' }), 'HERALD_CONSOLE_PORT: expected a port number from 0 to 65535, such as 8787', 1);
  });

  it('HERALD_CONSOLE_PORT=abc', () => {
    oneLine(herald(['start'], { HERALD_CONSOLE_PORT: 'abc' }), 'HERALD_CONSOLE_PORT: expected a port number such as 8787', 1);
  });

  it('HERALD_CONSOLE_PORT=abc with --sandbox', () => {
    const r = herald(['start', '--sandbox'], { HERALD_CONSOLE_PORT: 'abc', HERALD_SANDBOX_DIR: join(tempDir(), 'sandbox') });
    expect(r.stderr).toBe('herald: HERALD_CONSOLE_PORT: expected a port number such as 8787\n');
    expect(r.code).toBe(1);
  });

  it('a policy target on a platform with no credentials', () => {
    oneLine(
      herald(['start'], { HERALD_DB_PATH: join(tempDir(), 'h.db'), TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN, TELEGRAM_API_ROOT: UNREACHABLE, TELEGRAM_COMMS_CHAT_ID: COMMS.telegram }),
      'policies.sev1.targets: discord-main is on Discord, which has no credentials; set DISCORD_TOKEN or remove discord-main from the policy',
      1,
    );
  });
});

describe('cli: herald audit on files that are not what they should be', () => {
  it('audit verify on a text file', () => {
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'this is not a database\n');
    oneLine(herald(['audit', 'verify'], { HERALD_DB_PATH: file }), `HERALD_DB_PATH: ${file} is not herald's database (file is not a database); point HERALD_DB_PATH at the file herald start uses`, 4);
  });

  it('audit export on a text file', () => {
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'this is not a database\n');
    oneLine(herald(['audit', 'export'], { HERALD_DB_PATH: file }), `HERALD_DB_PATH: ${file} is not herald's database (file is not a database); point HERALD_DB_PATH at the file herald start uses`, 4);
  });

  it('audit export with a damaged row', () => {
    const db = databaseWithEvents();
    outsideSql(db, `DROP TRIGGER audit_events_no_update; UPDATE audit_events SET data = 'not json {' WHERE seq = 2;`);
    oneLine(herald(['audit', 'export', '--format', 'json'], { HERALD_DB_PATH: db }), 'audit row 2 is damaged (its data is not JSON), so the log cannot be exported; herald audit verify shows where the chain was changed', 4);
  });

  it('audit verify with a damaged row says where, in one line', () => {
    const db = databaseWithEvents();
    outsideSql(db, `DROP TRIGGER audit_events_no_update; UPDATE audit_events SET data = 'not json {' WHERE seq = 2;`);
    const r = herald(['audit', 'verify'], { HERALD_DB_PATH: db });
    expect(r.stdout).toMatch(/^audit log BROKEN at row 2: [^\n]+\n$/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('audit export --draft with something that is not a draft id', () => {
    const r = herald(['audit', 'export', '--draft', 'abc'], { HERALD_DB_PATH: databaseWithEvents() });
    expect(r.stderr).toBe("herald: option '--draft <id>' argument 'abc' is invalid. expected a draft id such as 12 or #12; herald --help lists the commands\n");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
  });
});
