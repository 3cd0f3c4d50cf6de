import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load';
import { USER } from './support/cast';
import { ROOT, tempDir } from './support/config';
import { herald } from './support/cli';

const base = { HERALD_CONFIG: join(ROOT, 'test/fixtures/herald.yaml'), HERALD_DB_PATH: ':memory:' };
const load = (env: Record<string, string>) => () => loadConfig({ cwd: ROOT, readDotenv: false, env: { ...base, ...env } });

function withYaml(change: (yaml: string) => string): string {
  const file = join(tempDir(), 'herald.yaml');
  writeFileSync(file, change(readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8')));
  return file;
}

describe('configuration', () => {
  it('loads the fixture with every platform off until its credentials are set', () => {
    const config = load({})();
    expect(config.policies.sev1.approvals).toBe(2);
    expect(config.discord).toBeUndefined();
    expect(config.targets['telegram-main']).toEqual({ id: 'telegram-main', platform: 'telegram', chat: '@acmefinance' });
  });

  it('names the setting and what it expects, in one line', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ DISCORD_COMMS_CHANNEL_ID: 'general' }, 'DISCORD_COMMS_CHANNEL_ID: expected a numeric channel id'],
      [{ DISCORD_TOKEN: 'x'.repeat(60) }, 'DISCORD_APPLICATION_ID: is required because DISCORD_TOKEN is set; expected the numeric application id from the Developer Portal'],
      [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, 'TELEGRAM_BOT_TOKEN: expected the token BotFather gave you, like 123456789:AA…'],
      [{ X_API_KEY: 'key' }, 'X_API_SECRET: is required because X_API_KEY is set; expected the value from the X developer portal (Keys and tokens)'],
      [{ HERALD_LOG_LEVEL: 'loud' }, 'HERALD_LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"'],
      [{ HERALD_CONFIG: 'nowhere.yaml' }, "HERALD_CONFIG: nowhere.yaml does not exist; create it (the README's Configuration section shows one) or point HERALD_CONFIG at yours"],
      [{ HERALD_CONFIG: withYaml((y) => y.replace('sev1: { approvals: 2', 'sev1: { approvals: 0')) }, 'policies.sev1.approvals: expected a whole number of at least 1'],
      [{ HERALD_CONFIG: withYaml((y) => y.replace('targets: [discord-main, telegram-main, x] }\n  sev2', 'targets: [discord-main, telgram-main] }\n  sev2')) }, 'policies.sev1.targets: unknown target "telgram-main"; define it under targets (known: discord-main, telegram-main, x)'],
      [{ HERALD_CONFIG: withYaml((y) => y.replace('official_domains: [acme.finance]', 'official_domains: [https://acme.finance]')) }, 'official_domains.0: expected a bare domain such as acme.finance'],
      [{ HERALD_CONFIG: withYaml((y) => y.replace(`bob: { roles: [approver], discord: "${USER.bob}"`, `bob: { roles: [approver], discord: "${USER.alice}"`)) }, `people.bob: discord:${USER.alice} is already alice's account; one account belongs to one person`],
      [{ HERALD_CONFIG: withYaml((y) => y.replace('alice: { roles: [drafter]', 'alice: { roles: [writer]')) }, 'people.alice.roles.0: Invalid option: expected one of "drafter"|"approver"|"moderator"'],
      [{ HERALD_CONFIG: withYaml((y) => `${y}\nsurprise: true\n`) }, 'unknown setting(s) surprise; remove or correct them'],
      [{ HERALD_CONFIG: withYaml((y) => y.replace('sev3: { approvals: 1,', 'sev3: { approvals: 1, retraction_notice: "yes",')) }, 'policies.sev3.retraction_notice: expected true or false'],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        load(env)();
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('herald start stops with that one line and exit code 1', () => {
    const r = herald(['start'], { DISCORD_TOKEN: 'x'.repeat(60), HERALD_DB_PATH: join(tempDir(), 'h.db') });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('herald: DISCORD_APPLICATION_ID: is required because DISCORD_TOKEN is set; expected the numeric application id from the Developer Portal\n');
    expect(r.stderr).not.toContain('x'.repeat(20));
  });
});

describe('two instances on one database', () => {
  it('names this instance <hostname>-<pid> unless HERALD_INSTANCE_ID does, and holds leases 10 s by default', () => {
    expect(load({})().instance).toEqual({ id: expect.stringMatching(new RegExp(`-${process.pid}$`)), leaseTtlMs: 10_000 });
    expect(load({ HERALD_INSTANCE_ID: 'herald-a', HERALD_LEASE_TTL_MS: '6000' })().instance).toEqual({ id: 'herald-a', leaseTtlMs: 6000 });
  });

  it('refuses a lease TTL that would let a dead holder go unreplaced for 15 s or more, in one line', () => {
    expect(load({ HERALD_LEASE_TTL_MS: '11250' })).toThrow(new ConfigError("HERALD_LEASE_TTL_MS: 11250 ms is out of range; expected 1000 to 11249 ms, so that the other instance takes over within 15 s of a holder's death (the TTL plus a third of it between tries)"));
    expect(load({ HERALD_LEASE_TTL_MS: '10s' })).toThrow(/^HERALD_LEASE_TTL_MS: expected a whole number of milliseconds such as 10000$/);
    expect(load({ HERALD_INSTANCE_ID: 'herald a' })).toThrow(/^HERALD_INSTANCE_ID: expected up to 100 letters/);
  });
});
