import { EventEmitter } from 'node:events';
import type { Herald } from '../../app';
import type { Platform } from '../../config/types';
import { SANDBOX_IDS, SANDBOX_PEOPLE, type SandboxPerson, type World } from '../world';
import { discordInput, shownCommand } from './commands';
import { FaultPanel, type FaultMode } from './faults';
import { snapshot, type ChatPlace, type OpenModal, type UsedCommand } from './state';
import type { FastClock } from '../clock';

type Raw = Record<string, any>;

/** A console action that Discord's or Telegram's client would not perform; answered as 400 with the reason. */
export class ActionRefused extends Error {}

const USED_KEPT = 200;
const DISCORD_CHANNEL: Record<ChatPlace, string> = { comms: SANDBOX_IDS.discordComms, community: SANDBOX_IDS.discordCommunity };
const TELEGRAM_CHAT: Record<ChatPlace, number> = { comms: SANDBOX_IDS.telegramComms, community: SANDBOX_IDS.telegramCommunity };

function personOf(user: string): (typeof SANDBOX_PEOPLE)[SandboxPerson] {
  const p = (SANDBOX_PEOPLE as Record<string, (typeof SANDBOX_PEOPLE)[SandboxPerson]>)[user];
  if (!p) throw new ActionRefused(`There is no sandbox user "${user}"; pick one of ${Object.keys(SANDBOX_PEOPLE).join(', ')}.`);
  return p;
}

/** The emulators throw plain Errors for what a real client could not send; the console shows their words. */
async function asRefusal<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ActionRefused) throw err;
    throw new ActionRefused(String((err as Error)?.message ?? err).replace(/^(sendInteraction|telegram emulator): /, ''));
  }
}

/** A modal as Discord's client shows it: its text inputs, in action rows or labels. */
function readModal(interactionId: string, user: string, data: Raw): OpenModal {
  const fields: OpenModal['fields'] = [];
  for (const top of (data.components ?? []) as Raw[]) {
    const inputs: Array<[Raw, Raw]> = top.type === 18 && top.component ? [[top, top.component]] : ((top.components ?? []) as Raw[]).map((c) => [c, c]);
    for (const [label, input] of inputs) {
      if (input.type !== 4) continue;
      fields.push({
        id: String(input.custom_id),
        label: String(label.label ?? input.label ?? input.custom_id),
        description: String(label.description ?? ''),
        placeholder: String(input.placeholder ?? ''),
        required: input.required !== false,
        paragraph: input.style === 2,
      });
    }
  }
  return { interactionId, user, customId: String(data.custom_id), title: String(data.title ?? ''), fields };
}

/**
 * What a person can do in the console, performed the way the platform's own client would: a
 * typed slash command becomes an interaction, a Telegram message an update, a button press a
 * component interaction or callback query. Emits 'change' whenever what the console shows may
 * have changed.
 */
export class ConsoleActions extends EventEmitter<{ change: [] }> {
  readonly faults: FaultPanel;
  private readonly used: UsedCommand[] = [];
  private readonly modals: OpenModal[] = [];
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly world: World,
    private readonly herald: Herald,
    private readonly fast: FastClock | null = null,
  ) {
    super();
    this.faults = new FaultPanel(world);
    const changed = () => this.emit('change');
    const listen = (emitter: EventEmitter, events: string[], handler: (...args: any[]) => void) => {
      for (const e of events) emitter.on(e, handler);
      this.unsubscribe.push(() => events.forEach((e) => emitter.off(e, handler)));
    };
    listen(world.discord, ['message', 'messageUpdate', 'messageDelete', 'request'], changed);
    listen(world.discord, ['interactionResponse'], (r: Raw) => this.onInteractionResponse(r));
    listen(world.telegram, ['message', 'edit', 'delete', 'pin', 'unpin', 'update', 'response'], changed);
    listen(world.x, ['post', 'delete', 'request'], changed);
    listen(herald.core.events as unknown as EventEmitter, ['draftChanged', 'deliveriesCreated'], changed);
  }

  state() {
    const clock = this.fast && { factor: this.fast.factor, now: this.fast.now(), at: Date.now() };
    return snapshot(this.world, this.herald, this.faults, this.used, this.modals, clock);
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }

  private onInteractionResponse(r: Raw): void {
    if (r.kind === 'callback' && r.type === 9) {
      const rec = this.world.discord.interactions.get(String(r.interactionId));
      const user = Object.entries(SANDBOX_PEOPLE).find(([, p]) => p.discord === rec?.userId)?.[0];
      if (user) this.modals.push(readModal(String(r.interactionId), user, (r.data ?? {}) as Raw));
    }
    this.emit('change');
  }

  async discordCommand(user: string, text: string, where: ChatPlace = 'comms'): Promise<void> {
    const person = personOf(user);
    const channelId = DISCORD_CHANNEL[where];
    const input = discordInput(text);
    if (input.kind === 'refused') throw new ActionRefused(input.message);
    if (input.kind === 'chat') {
      await asRefusal(() => this.world.discord.postMessage({ channelId, userId: person.discord, content: input.text }));
    } else {
      const shown: UsedCommand = { at: Date.now(), user, text: shownCommand(input), where };
      await asRefusal(() => this.world.discord.sendInteraction({ kind: 'command', channelId, userId: person.discord, name: input.name, options: input.options }));
      this.used.push(shown);
      if (this.used.length > USED_KEPT) this.used.shift();
    }
    this.emit('change');
  }

  async discordButton(user: string, messageId: string, customId: string, where: ChatPlace = 'comms'): Promise<void> {
    const person = personOf(user);
    await asRefusal(() => this.world.discord.sendInteraction({ kind: 'button', channelId: DISCORD_CHANNEL[where], userId: person.discord, messageId, customId }));
  }

  /** A message's context menu (Apps → "Answer with FAQ"), as Discord's client sends it. */
  async discordMessageMenu(user: string, messageId: string, name: string, where: ChatPlace): Promise<void> {
    const person = personOf(user);
    await asRefusal(() => this.world.discord.sendInteraction({ kind: 'messageCommand', channelId: DISCORD_CHANNEL[where], userId: person.discord, name, targetMessageId: messageId }));
  }

  /** A choice in a select menu herald sent (the FAQ entry picker). */
  async discordSelect(user: string, messageId: string, customId: string, values: string[], where: ChatPlace): Promise<void> {
    const person = personOf(user);
    await asRefusal(() => this.world.discord.sendInteraction({ kind: 'select', channelId: DISCORD_CHANNEL[where], userId: person.discord, messageId, customId, values }));
  }

  async discordModal(interactionId: string, fields: Record<string, string> | null): Promise<void> {
    const i = this.modals.findIndex((m) => m.interactionId === interactionId);
    if (i === -1) throw new ActionRefused('This form is no longer open.');
    const modal = this.modals.splice(i, 1)[0]!;
    this.emit('change');
    // Closing the form without submitting sends Discord nothing, as in the app.
    if (!fields) return;
    await asRefusal(() =>
      this.world.discord.sendInteraction({ kind: 'modal', channelId: SANDBOX_IDS.discordComms, userId: personOf(modal.user).discord, customId: modal.customId, fields }),
    );
  }

  async telegramMessage(user: string, text: string, replyTo?: number, where: ChatPlace = 'comms'): Promise<void> {
    const person = personOf(user);
    if (!text.trim()) throw new ActionRefused('Telegram does not send an empty message.');
    await asRefusal(() =>
      this.world.telegram.sendUserMessage({ chatId: TELEGRAM_CHAT[where], from: person.telegram, text, ...(replyTo !== undefined ? { replyToMessageId: replyTo } : {}) }),
    );
    this.emit('change');
  }

  async telegramButton(user: string, messageId: number, data: string): Promise<void> {
    const person = personOf(user);
    await asRefusal(() => this.world.telegram.pressButton({ chatId: SANDBOX_IDS.telegramComms, messageId, from: person.telegram, data }));
    this.emit('change');
  }

  setFault(platform: Platform, mode: FaultMode): void {
    this.faults.set(platform, mode);
    this.emit('change');
  }
}
