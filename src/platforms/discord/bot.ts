import {
  ComponentType,
  Events,
  MessageFlags,
  Routes,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { Config } from '../../config/types';
import type { ChatEvent } from '../../core/commands/types';
import type { ChatPort, PreviewSubscription } from '../../core/port';
import { decodeButton } from '../../core/previews/buttons';
import type { Logger } from '../../util/log';
import { redact } from '../../util/redact';
import { suggestions } from './autocomplete';
import { actorOf, chatEvent, commandInput, typedValue } from './chat-event';
import { ChatOut } from './chat-out';
import { commandData, FAQ_MENU } from './commands';
import { draftModal, PendingForms, rejectModal } from './modals';
import type { ChannelDirectory } from './publisher';
import { discordSurface } from './surface';
import { acknowledge, InteractionReplies, type Ack } from './interaction-replies';

type Input = Pick<ChatEvent, 'name' | 'args' | 'raw' | 'via'> & { revision?: number };
const PRIVATE = { flags: MessageFlags.Ephemeral } as const;
const STOP_WITHIN_MS = 10_000;

/**
 * herald's chat side on Discord: registers the commands, turns every interaction into a
 * ChatEvent for the command layer (acknowledging first, within Discord's three seconds), sends
 * the replies, and keeps previews current.
 */
export class DiscordBot {
  private readonly chat: ChatOut;
  private previews: PreviewSubscription | undefined;
  private readonly channels: ChannelDirectory;
  private readonly forms = new PendingForms();
  /** One interaction id at a time: a redelivered interaction waits for the first and then replays. */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Every herald instance stays logged in (its publisher sends the deliveries it claims), and the
   * gateway tells each about every interaction: only the holder of the discord-gateway lease answers.
   */
  hearing = true;

  constructor(
    private readonly client: Client,
    private readonly port: ChatPort,
    private readonly config: Config,
    channels: ChannelDirectory,
    private readonly log: Logger,
  ) {
    this.chat = new ChatOut(client, config, port);
    this.channels = channels;
  }

  /** The keeper's subscription once started; before that nothing is previewed here. */
  private get kept(): PreviewSubscription {
    if (!this.previews) throw new Error('the Discord bot was not started');
    return this.previews;
  }

  private readonly onInteraction = (interaction: Interaction) => {
    if (!this.hearing) return;
    const id = interaction.id;
    const task = (this.lanes.get(id) ?? Promise.resolve())
      .then(() => this.route(interaction))
      .catch((err: unknown) => this.log.error({ err, interaction: id }, 'a Discord interaction failed'));
    const tracked = task.finally(() => {
      if (this.lanes.get(id) === tracked) this.lanes.delete(id);
      this.inFlight.delete(tracked);
    });
    this.lanes.set(id, tracked);
    this.inFlight.add(tracked);
  };

  async start(): Promise<void> {
    const discord = this.config.discord!;
    for (const guildId of discord.guildIds) {
      try {
        await this.client.rest.put(Routes.applicationGuildCommands(discord.applicationId, guildId), { body: commandData() });
      } catch (err) {
        throw new Error(
          `Discord refused to register herald's commands in server ${guildId} (${redact(String((err as Error)?.message ?? err))}); check DISCORD_APPLICATION_ID and DISCORD_GUILD_IDS, and invite the bot there with the applications.commands scope`,
        );
      }
    }
    this.previews = this.port.previews(discordSurface(this.chat, this.channels), this.log);
    this.client.on(Events.InteractionCreate, this.onInteraction);
  }

  async stop(): Promise<void> {
    this.client.off(Events.InteractionCreate, this.onInteraction);
    this.previews?.detach();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WITHIN_MS)));
    await Promise.race([Promise.allSettled([...this.inFlight, this.previews?.idle()]), bound]);
    clearTimeout(timer);
  }

  /** Resolves when no interaction or preview edit is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    await this.previews?.idle();
  }

  private async route(i: Interaction): Promise<void> {
    if (i.isAutocomplete()) {
      await i.respond(suggestions(this.port, i)).catch((err: unknown) => this.log.debug({ err }, 'autocomplete answer refused'));
    } else if (i.isChatInputCommand()) await this.command(i);
    else if (i.isButton()) await this.button(i);
    else if (i.isModalSubmit()) await this.modal(i);
    else if (i.isMessageContextMenuCommand() && i.commandName === FAQ_MENU) await this.faqMenu(i);
    else if (i.isStringSelectMenu() && i.customId.startsWith('faq:')) await this.faqPick(i);
  }

  /** Acknowledge, hand the event to the command layer, send what it answers. */
  private async run(i: RepliableInteraction, ackWith: () => Promise<unknown>, input: Input, replyTo?: string): Promise<void> {
    const ack = await acknowledge(ackWith);
    if (ack === 'expired') {
      // The member was already told the bot did not answer; acting now would surprise them.
      this.log.warn({ interaction: i.id, command: input.name }, 'a Discord interaction arrived after its 3 s deadline and was not run');
      return;
    }
    const replies = new InteractionReplies(i, ack, this.chat, this.kept, this.log, replyTo);
    try {
      const outcome = this.port.handle(chatEvent(i, input));
      if (!outcome.replay) await replies.deliver(outcome.replies);
    } catch (err) {
      this.log.error({ err, interaction: i.id, command: input.name }, 'a Discord command failed');
      await replies.privately(`herald could not finish /${input.name}; nothing was sent. Try again, and tell the operator if it keeps failing.`, 'reply').catch(() => undefined);
    }
    await replies.finish();
  }

  private async command(i: ChatInputCommandInteraction): Promise<void> {
    if (i.commandName === 'draft' && this.port.mayRun('draft', actorOf(i), i.channelId)) {
      const form = this.port.draftForm(i.options.getString('template') ?? '', i.options.getString('vars') ?? '');
      if (form) {
        this.forms.add(i.id, form);
        if ((await acknowledge(() => i.showModal(draftModal(`draft:${i.id}`, form)))) !== 'ok') this.forms.take(i.id);
        return;
      }
    }
    await this.run(i, () => i.deferReply(PRIVATE), commandInput(i));
  }

  private async button(i: ButtonInteraction): Promise<void> {
    const press = decodeButton(i.customId);
    if (!press) {
      await acknowledge(() => i.deferUpdate());
      return;
    }
    const { action, draftId, revision } = press;
    if (action === 'reject' && this.port.mayRun('reject', actorOf(i), i.channelId)) {
      await acknowledge(() => i.showModal(rejectModal(`rejectwhy:${draftId}:${revision}`, draftId)));
      return;
    }
    // Anyone else's press still goes to the command layer, which refuses it and logs that.
    await this.run(i, () => i.deferReply(PRIVATE), { name: action, args: { fields: { draft: String(draftId) } }, raw: `[${action} button #${draftId} r${revision}]`, via: 'button', revision });
  }

  private async modal(i: ModalSubmitInteraction): Promise<void> {
    const reject = /^rejectwhy:(\d+):(\d+)$/.exec(i.customId);
    if (reject) {
      const [draftId, revision] = [Number(reject[1]), Number(reject[2])];
      const reason = i.fields.getTextInputValue('reason').trim();
      await this.run(i, () => i.deferReply(PRIVATE), { name: 'reject', args: { fields: { draft: String(draftId), reason } }, raw: `[reject button #${draftId} r${revision}] ${reason}`, via: 'button', revision });
      return;
    }
    const key = /^draft:(\d+)$/.exec(i.customId)?.[1];
    if (!key) return;
    const form = this.forms.take(key);
    if (!form) {
      await this.privateOnly(i, 'This form is no longer open (it was opened more than 15 minutes ago, or herald restarted); run /draft again.');
      return;
    }
    const values = { ...form.values };
    for (const name of form.missing) values[name] = i.fields.getTextInputValue(name);
    const filled = form.missing.map((n) => `${n}=${typedValue(values[n] ?? '')}`).join(' ');
    const raw = `/draft template:${form.template.id}${form.typed ? ` vars:${form.typed}` : ''} [form] ${filled}`;
    await this.run(i, () => i.deferReply(PRIVATE), { name: 'draft', args: { fields: { template: form.template.id, values } }, raw, via: 'command' });
  }

  private async privateOnly(i: RepliableInteraction, text: string): Promise<void> {
    const ack: Ack = await acknowledge(() => i.deferReply(PRIVATE));
    if (ack === 'expired') return;
    await new InteractionReplies(i, ack, this.chat, this.kept, this.log).privately(text, 'reply');
  }

  /** A moderator picks the entry; the answer then goes through /faq like a typed one. */
  private async faqMenu(i: MessageContextMenuCommandInteraction): Promise<void> {
    const ack = await acknowledge(() => i.deferReply(PRIVATE));
    if (ack !== 'ok') return;
    const topics = this.port.suggest({ command: 'faq', arg: 'topic', typed: '', actor: actorOf(i), chatId: i.channelId }).slice(0, 25);
    if (!topics.length) {
      await new InteractionReplies(i, ack, this.chat, this.kept, this.log).privately('There are no FAQ entries yet; add them to templates/faq/.', 'reply');
      return;
    }
    const content = 'Answer this message with which FAQ entry?';
    const m = await i.editReply({
      content,
      allowedMentions: { parse: [] },
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.StringSelect,
              custom_id: `faq:${i.targetId}`,
              placeholder: 'FAQ entry',
              options: topics.map((t) => ({ label: t.label, value: t.value, description: t.detail.slice(0, 100) })),
            },
          ],
        },
      ],
    });
    this.chat.record({ chatId: i.channelId, messageIds: [m.id], text: content, kind: 'reply', private: true });
  }

  private async faqPick(i: StringSelectMenuInteraction): Promise<void> {
    const target = i.customId.slice('faq:'.length);
    const topic = i.values[0] ?? '';
    await this.run(i, () => i.deferUpdate(), { name: 'faq', args: { fields: { topic } }, raw: `[${FAQ_MENU}: ${topic} → message ${target}]`, via: 'button' }, target);
  }
}
