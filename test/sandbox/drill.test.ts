import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load';
import { readAudit } from '../../src/audit/export';
import { drillTimings } from '../../src/store/schema';
import { startSandbox } from '../../src/sandbox';
import { SANDBOX_IDS } from '../../src/sandbox/world';
import { herald } from '../support/cli';
import { COMMS } from '../support/cast';
import { ROOT, tempDir } from '../support/config';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';

/** The test fixture plus drill targets (a private test channel on each chat platform) and a drill section. */
function drillConfigFile(drill: unknown = { targets: ['discord-drill', 'telegram-drill'] }, withDrill = true): string {
  const file = parse(readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8')) as Record<string, any>;
  file.targets['discord-drill'] = { platform: 'discord', channel: '399' };
  file.targets['telegram-drill'] = { platform: 'telegram', chat: '@acme_drill' };
  if (withDrill) file.drill = drill;
  const path = join(tempDir(), 'herald.yaml');
  writeFileSync(path, stringify(file));
  return path;
}

const load = (configFile: string, drill: boolean) =>
  loadConfig({
    cwd: ROOT,
    readDotenv: false,
    drill,
    env: { HERALD_CONFIG: configFile, HERALD_DB_PATH: join(tempDir(), 'herald.db'), DISCORD_COMMS_CHANNEL_ID: COMMS.discord, TELEGRAM_COMMS_CHAT_ID: COMMS.telegram },
  });

describe('drill configuration', () => {
  it('in a drill every severity goes to the drill targets only; outside one nothing changes', () => {
    const file = drillConfigFile();
    const drill = load(file, true);
    expect(drill.drill).toEqual({ targets: ['discord-drill', 'telegram-drill'], label: 'DRILL' });
    for (const sev of ['sev1', 'sev2', 'sev3', 'sev4'] as const) expect(drill.policies[sev].targets).toEqual(['discord-drill', 'telegram-drill']);
    const normal = load(file, false);
    expect(normal.drill).toBeUndefined();
    expect(normal.policies.sev1.targets).toEqual(['discord-main', 'telegram-main', 'x']);
  });

  it('names the problem in one line: a missing section, an unknown target, a bad label', () => {
    expect(() => load(drillConfigFile(null, false), true)).toThrow(ConfigError);
    expect(() => load(drillConfigFile(null, false), true)).toThrow(/herald\.yaml: drill: is required by herald start --drill; add drill: \{ targets: \[\.\.\.\] \}/);
    expect(() => load(drillConfigFile({ targets: ['discord-drll'] }), false)).toThrow(/drill\.targets: unknown target "discord-drll"; define it under targets/);
    expect(() => load(drillConfigFile({ targets: ['x'], label: '<b>fake</b>' }), false)).toThrow(/drill\.label: expected a short word such as DRILL/);
    expect(() => load(drillConfigFile({ targets: [] }), false)).toThrow(/drill\.targets: expected at least one target/);
  });

  it('herald start --drill with real credentials but no drill section stops before connecting, with that line', () => {
    const r = herald(['start', '--drill'], { X_API_KEY: 'k', X_API_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 'a', X_API_URL: 'http://127.0.0.1:9/' });
    expect(r.stderr).toMatch(/^herald: test\/fixtures\/herald\.yaml: drill: is required by herald start --drill;/);
    expect(r.code).toBe(1);
  });
});

describe('a drill', () => {
  it('marks every post, posts only to the drill targets, and logs its timings for the review', async () => {
    const t = testHerald(load(drillConfigFile({ targets: ['discord-drill', 'telegram-drill', 'x'], label: 'EXERCISE' }), true));
    const preview = t.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`).replies[0];
    if (preview?.type !== 'preview') throw new Error('expected a preview');
    const { discord, telegram, x } = preview.view.rendered;
    // Discord's text escapes the brackets (\[EXERCISE\]); members read [EXERCISE].
    expect(discord[0]).toMatch(/^\*\*\\\[EXERCISE\\\] This is a drill, not a real incident\.\*\*\n\n🚨/);
    expect(discord.at(-1)).toMatch(/_\\\[EXERCISE\\\] End of drill message\. No action is needed\._$/);
    expect(telegram[0]!.text).toMatch(/^\[EXERCISE\] This is a drill, not a real incident\./);
    expect(x.length).toBeGreaterThan(1);
    x.forEach((post, i) => expect(post).toMatch(new RegExp(`\\nEXERCISE ${i + 1}/${x.length}$`)));

    t.chat.say('bob', '/approve #1');
    // carol reads it in the Telegram group first: a typed approval counts for what that chat was shown.
    t.telegram.say('carol', '/show #1');
    t.telegram.say('carol', '/approve #1');
    await t.herald.worker.idle();
    expect(t.pubs.discord.sent.map((s) => s.targetId)).toEqual(['discord-drill']);
    expect(t.pubs.telegram.sent.map((s) => s.targetId)).toEqual(['telegram-drill']);

    const timings = readAudit(t.db, { draftId: 1 }).filter((r) => r.type === 'drill.timings');
    expect(timings).toHaveLength(1);
    const d = JSON.parse(timings[0]!.data);
    expect(d).toMatchObject({ broadcast: 1, kind: 'publish', label: 'EXERCISE' });
    expect(d.approvals.map((a: { approver: string; platform: string }) => `${a.approver}@${a.platform}`)).toEqual(['bob@discord', 'carol@telegram']);
    expect(d.deliveries.map((x: { target: string; status: string }) => `${x.target}:${x.status}`)).toEqual(['discord-drill:sent', 'telegram-drill:sent', 'x:sent']);
    for (const n of [d.firstDraftToBroadcastMs, d.totalMs, ...d.approvals.map((a: { waitMs: number }) => a.waitMs), ...d.deliveries.map((x: { ms: number }) => x.ms)]) {
      expect(n).toBeGreaterThanOrEqual(0);
    }
    // The timings are a row of their own; the audit event is their evidence.
    expect(t.db.select().from(drillTimings).all().map((r) => ({ broadcast: r.broadcastId, timings: JSON.parse(r.timingsJson) }))).toEqual([{ broadcast: 1, timings: d }]);
    await t.close();
    t.db.$client.close();

    const md = herald(['audit', 'export', '--format', 'md', '--draft', '1'], { HERALD_DB_PATH: t.config.paths.db }).stdout;
    expect(md).toMatch(
      /\| herald \| EXERCISE timings: first draft → broadcast \d+\.\d s; approval waits: bob after \d+\.\d s, carol after \d+\.\d s; delivery after broadcast: ✅ discord-drill \d+\.\d s, ✅ telegram-drill \d+\.\d s, ✅ x \d+\.\d s; first draft → last delivery \d+\.\d s \|/,
    );
  });

  it('in the sandbox, reaches the emulated Discord, Telegram and X marked as a drill through the real adapters', async () => {
    const box = await startSandbox({ dir: tempDir('herald-drill-'), port: 0, cwd: ROOT, drill: true, env: { HERALD_LOG_LEVEL: 'silent' } });
    try {
      const { actions } = box.console;
      await actions.discordCommand('alice', '/draft sev1/exploit-investigating affected="the USDC pool" next_update="in 30 minutes"');
      const header = await box.world.discord.waitFor(() => box.world.discord.messages(SANDBOX_IDS.discordComms).find((m) => JSON.stringify(m.components).includes('approve:1:1')), 10_000);
      await actions.discordButton('bob', header.id, 'approve:1:1');
      await box.world.discord.waitFor(() => box.world.discord.messages(SANDBOX_IDS.discordComms).find((m) => m.content.startsWith('bob approved #1')), 10_000);
      // carol read revision 1 on Discord; in the Telegram group she names it.
      await actions.telegramMessage('carol', '/approve 1 r1');
      await box.world.x.waitFor((x) => x.posts().length >= 2, 15_000);
      await box.herald.worker.idle();

      const discord = box.world.discord.messages(box.world.discordTargets[0]!).find((m) => m.content.includes('USDC'));
      expect(discord?.content).toMatch(/^@everyone\n\*\*\\\[DRILL\\\] This is a drill, not a real incident\.\*\*/);
      const telegram = box.world.telegram.messages(box.world.telegramTargets[0]!)[0];
      expect(telegram?.text).toMatch(/^\[DRILL\] This is a drill, not a real incident\./);
      const posts = box.world.x.posts();
      posts.forEach((p, i) => expect(p.text).toMatch(new RegExp(`\\nDRILL ${i + 1}/${posts.length}$`)));
      const timings = readAudit(box.herald.core.db, {}).filter((r) => r.type === 'drill.timings');
      expect(timings).toHaveLength(1);
      expect(box.console.actions.state().drill).toBe('DRILL');
    } finally {
      await box.close();
    }
  });
});
