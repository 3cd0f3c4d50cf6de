import { Writable } from 'node:stream';
import { FakeClock } from '../../support/clock';
import { createHerald, type Herald } from '../../../src/app';
import type { Config } from '../../../src/config/types';
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions, type GuildSpec, type OptionValue, type StoredMessage } from '@herald/emulators/discord';
import { createDiscord, type DiscordAdapter } from '../../../src/platforms/discord';
import { createLogger } from '../../../src/util/log';
import { testConfig } from '../../support/config';
import { ScriptedPublisher } from '../../support/publisher';
import { APP, CH, GUILD, ROLE, USER, type DiscordPerson } from '../../support/cast';
import { until } from '../../support/until';

export type Who = DiscordPerson;

export const GUILD_SPEC: GuildSpec = {
  id: GUILD,
  name: 'Acme Finance',
  channels: [
    { id: CH.comms, name: 'comms', type: 0 },
    { id: CH.news, name: 'announcements', type: 5 },
    { id: CH.status, name: 'status', type: 0 },
    { id: CH.lounge, name: 'lounge', type: 0 },
  ],
  roles: [
    { id: ROLE.approvers, name: 'Approvers' },
    { id: ROLE.holders, name: 'Holders', mentionable: true },
  ],
  members: [
    ...(Object.entries(USER) as Array<[Who, string]>).map(([name, id]) => ({ user: { id, username: name }, roles: name === 'frank' ? [ROLE.approvers] : [ROLE.holders] })),
  ],
};

export interface Setup {
  emu: DiscordEmulator;
  config: Config;
  adapter: DiscordAdapter;
  herald: Herald;
  telegram: ScriptedPublisher;
  x: ScriptedPublisher;
  logs: string[];
  close(): Promise<void>;
}

/** A whole herald with the real Discord adapter logged in to the loopback emulator, Telegram and X scripted. */
/** The emulator with the test guild, and the real config loader pointed at it. */
export async function discordWorld(options: { emulator?: DiscordEmulatorOptions; env?: Record<string, string> } = {}): Promise<{ emu: DiscordEmulator; config: Config }> {
  const emu = await startDiscordEmulator({ applicationId: APP, botUser: { id: APP, username: 'herald' }, guilds: [GUILD_SPEC], ...options.emulator });
  const config = testConfig({
    HERALD_CONFIG: 'test/platforms/discord/herald.yaml',
    DISCORD_TOKEN: emu.token,
    DISCORD_APPLICATION_ID: APP,
    DISCORD_GUILD_IDS: GUILD,
    DISCORD_API_URL: emu.restUrl,
    DISCORD_COMMS_CHANNEL_ID: CH.comms,
    ...options.env,
  });
  return { emu, config };
}

export async function startDiscord(options: { emulator?: DiscordEmulatorOptions; env?: Record<string, string> } = {}): Promise<Setup> {
  const { emu, config } = await discordWorld(options);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  let adapter: DiscordAdapter;
  try {
    adapter = await createDiscord(config, createLogger('debug', sink));
  } catch (error) {
    await emu.close();
    throw error;
  }
  const telegram = new ScriptedPublisher('telegram');
  const x = new ScriptedPublisher('x');
  const clock = new FakeClock();
  const herald = createHerald(config, { publishers: { discord: adapter.publisher, telegram, x }, random: () => 0.5, now: clock.now, scheduler: clock });
  await adapter.attach!(herald.port);
  return {
    emu,
    config,
    adapter,
    herald,
    telegram,
    x,
    logs,
    async close() {
      await herald.close();
      await adapter.stop();
      await emu.close();
    },
  };
}

/**
 * Waits until herald has nothing in flight: interactions, deliveries and the preview edits they
 * cause. Settled means a whole pass over them in which the emulator recorded no new request and no
 * message changed: whatever one piece of work started has been waited for too.
 */
export async function settle(s: Setup): Promise<void> {
  let changes = 0;
  const seen = () => changes++;
  const events = ['request', 'message', 'messageUpdate', 'messageDelete', 'interactionResponse'];
  for (const e of events) s.emu.on(e, seen);
  try {
    await until(
      async () => {
        const before = changes;
        await s.adapter.idle();
        await s.herald.worker.idle();
        await s.adapter.idle();
        return changes === before;
      },
      { what: 'herald to finish the interactions, deliveries and preview edits in flight', everyMs: 0 },
    );
  } finally {
    for (const e of events) s.emu.off(e, seen);
  }
}

/** A member types a slash command; resolves once herald has answered and everything it started has settled. */
export async function slash(s: Setup, who: Who, name: string, options: Record<string, OptionValue> = {}, channelId: string = CH.comms): Promise<string> {
  const { id } = await s.emu.sendInteraction({ kind: 'command', name, options, channelId, userId: USER[who] });
  await answered(s, id);
  return id;
}

export async function press(s: Setup, who: Who, customId: string, messageId: string, channelId: string = CH.comms): Promise<string> {
  const { id } = await s.emu.sendInteraction({ kind: 'button', customId, messageId, channelId, userId: USER[who] });
  await answered(s, id);
  return id;
}

export async function submit(s: Setup, who: Who, customId: string, fields: Record<string, string>, channelId: string = CH.comms): Promise<string> {
  const { id } = await s.emu.sendInteraction({ kind: 'modal', customId, fields, channelId, userId: USER[who] });
  await answered(s, id);
  return id;
}

export async function answered(s: Setup, interactionId: string): Promise<void> {
  await until(() => s.emu.interactionResponses(interactionId).length > 0, { what: `herald to answer interaction ${interactionId}`, timeoutMs: 5000 });
  await settle(s);
}

/** What only the member who acted saw: the private answer and its follow-ups. */
export function privateTexts(s: Setup, interactionId: string): string[] {
  return s.emu
    .interactionResponses(interactionId)
    .filter((r) => r.kind === 'editOriginal' || r.kind === 'followup')
    .map((r) => String((r.data as { content?: string }).content ?? ''));
}

/** What everyone in a channel sees now, oldest first: no deleted, private or pin-notice messages. */
export function visible(s: Setup, channelId: string): StoredMessage[] {
  return s.emu.messages(channelId).filter((m) => !m.deleted && !m.ephemeral && m.type !== 6);
}

export const texts = (s: Setup, channelId: string) => visible(s, channelId).map((m) => m.content);

/** The preview headers in the comms channel (the messages with the draft's header line), oldest first. */
export function previewHeaders(s: Setup, draftId: number): StoredMessage[] {
  return visible(s, CH.comms).filter((m) => m.content.startsWith(`#${draftId} · `));
}

export function buttonIds(m: StoredMessage | undefined): string[] {
  const rows = (m?.components ?? []) as Array<{ components?: Array<{ custom_id?: string }> }>;
  return rows.flatMap((r) => (r.components ?? []).map((c) => c.custom_id ?? ''));
}

/** Draft ids are small integers handed out in order; the newest preview header names it. */
export function lastDraftId(s: Setup): number {
  const header = visible(s, CH.comms)
    .map((m) => /^#(\d+) · /.exec(m.content)?.[1])
    .filter(Boolean)
    .at(-1);
  if (!header) throw new Error('no preview has been posted');
  return Number(header);
}

/** Drafts as alice and approves with each approver by slash command; resolves once the broadcast settled. */
export async function publish(s: Setup, template: string, vars: string, approvers: Who[]): Promise<number> {
  await slash(s, 'alice', 'draft', { template, vars });
  const id = lastDraftId(s);
  for (const who of approvers) await slash(s, who, 'approve', { draft: String(id) });
  await settle(s);
  return id;
}
