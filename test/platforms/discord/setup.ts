import type { Herald } from '../../../src/app';
import type { Config } from '../../../src/config/types';
import type { DiscordEmulator, DiscordEmulatorOptions, OptionValue, StoredMessage } from '@herald/emulators/discord';
import type { DiscordAdapter } from '../../../src/platforms/discord';
import type { ScriptedPublisher } from '../../support/publisher';
import { CH, USER, type DiscordPerson } from '../../support/cast';
import { testConfig } from '../../support/config';
import { discordEnv, GUILD_SPEC, startEmulators } from '../../support/emulators';
import { startHerald } from '../../support/herald';
import { until } from '../../support/until';

export { GUILD_SPEC };
export type Who = DiscordPerson;

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

export interface DiscordOptions {
  emulator?: DiscordEmulatorOptions;
  env?: Record<string, string>;
}

/** The emulator with the test guild, and the real config loader pointed at it (for the publisher alone). */
export async function discordWorld(options: DiscordOptions = {}): Promise<{ emu: DiscordEmulator; config: Config }> {
  const { discord: emu } = await startEmulators(['discord'], { discord: options.emulator ?? {} });
  return { emu: emu!, config: testConfig({ ...discordEnv(emu!), ...options.env }) };
}

/** A whole herald with the real Discord adapter logged in to the loopback emulator, Telegram and X scripted (a view over test/support/herald.ts). */
export async function startDiscord(options: DiscordOptions = {}): Promise<Setup> {
  const h = await startHerald({ platforms: ['discord'], emulator: { discord: options.emulator ?? {} }, ...(options.env ? { env: options.env } : {}) });
  return { emu: h.emus.discord!, config: h.config, adapter: h.adapters.discord!, herald: h.herald, telegram: h.pubs.telegram, x: h.pubs.x, logs: h.logs, close: h.close };
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
