import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
  type RESTOptions,
  type TextChannel,
} from 'discord.js';
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions, type GuildSpec } from '../src/discord';

const GUILD: GuildSpec = {
  id: '1100000000000000001',
  name: 'Protocol HQ',
  channels: [
    { id: '1100000000000000010', name: 'comms', type: 0 },
    { id: '1100000000000000011', name: 'announcements', type: 5 },
  ],
  roles: [{ id: '1100000000000000020', name: 'approver' }],
  members: [{ user: { id: '1100000000000000030', username: 'alice' }, roles: ['1100000000000000020'] }],
};
const COMMS = '1100000000000000010';
const ANNOUNCEMENTS = '1100000000000000011';
const ALICE = '1100000000000000030';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  // Client first: an emulator closed under a live client would make discord.js try to reconnect.
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(options: DiscordEmulatorOptions = {}, rest: Partial<RESTOptions> = {}) {
  const emu = await startDiscordEmulator({ guilds: [GUILD], ...options });
  cleanups.push(() => emu.close());
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.restUrl, ...rest } });
  cleanups.push(() => client.destroy());
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(emu.token);
  await ready;
  const comms = client.channels.cache.get(COMMS) as TextChannel;
  return { emu, client, comms };
}

/** Raw HTTP as a bot would send it, to check status, headers and body exactly. */
async function raw(emu: DiscordEmulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.restUrl}/v10${path}`, {
    method,
    headers: { Authorization: `Bot ${emu.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: res.status === 204 ? undefined : await res.json() };
}

/** Bounds a wait so a broken emulator fails the test instead of hanging it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

describe('Discord emulator with the real discord.js client', () => {
  it('logs in, reaches ready and sees the guild with its channels', async () => {
    const { emu, client } = await setup();
    const guild = client.guilds.cache.get(GUILD.id);
    expect(guild?.name).toBe('Protocol HQ');
    expect(guild?.channels.cache.get(COMMS)?.type).toBe(ChannelType.GuildText);
    expect(guild?.channels.cache.get(ANNOUNCEMENTS)?.type).toBe(ChannelType.GuildAnnouncement);
    expect(guild?.members.cache.get(ALICE)?.roles.cache.has('1100000000000000020')).toBe(true);
    expect(client.user?.id).toBe(emu.botUser.id);
    expect(emu.stats.identifies).toBe(1);
  });

  it('refuses a wrong token the way Discord does, and discord.js reports an invalid token', async () => {
    const emu = await startDiscordEmulator({ guilds: [GUILD] });
    cleanups.push(() => emu.close());
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.restUrl } });
    cleanups.push(() => client.destroy());
    await expect(client.login('not.the.token')).rejects.toThrow(/invalid token/i);
    expect(emu.requests.at(-1)?.status).toBe(401);
  });

  it('stores a sent message with its allowed_mentions and pings only what they allow', async () => {
    const { emu, comms } = await setup();
    const sent = await comms.send({ content: `@everyone <@${ALICE}> pool paused`, allowedMentions: { parse: [] } });
    await comms.send({ content: '@everyone exploit', allowedMentions: { parse: ['everyone'] } });
    const [quiet, loud] = emu.messages(COMMS);
    expect(quiet?.id).toBe(sent.id);
    expect(quiet?.allowed_mentions).toEqual({ parse: [] });
    expect(quiet?.mention_everyone).toBe(false);
    expect(quiet?.mentions).toEqual([]);
    expect(loud?.mention_everyone).toBe(true);
    expect(sent.mentions.everyone).toBe(false);
  });

  it('returns the original message for a repeated nonce with enforce_nonce, storing one', async () => {
    const { emu, comms } = await setup();
    const first = await comms.send({ content: 'statement', nonce: 'delivery-42', enforceNonce: true });
    const second = await comms.send({ content: 'statement', nonce: 'delivery-42', enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(emu.messages(COMMS)).toHaveLength(1);
  });

  it('rejects content over 2000 characters with Invalid Form Body and stores nothing', async () => {
    const { emu, comms } = await setup();
    const error = await apiError(comms.send('x'.repeat(2001)));
    expect(error.code).toBe(50035);
    expect(error.rawError).toMatchObject({ errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    expect(emu.messages(COMMS)).toHaveLength(0);
  });

  it('answers an injected 429 as documented; discord.js waits it out and the message lands once', async () => {
    const { emu, comms } = await setup();
    emu.injectFault({ method: 'POST', path: `/channels/${COMMS}/messages` }, { kind: 'ratelimit', retryAfterSec: 0.2 });
    const started = Date.now();
    await comms.send('after the wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(emu.messages(COMMS).map((m) => m.content)).toEqual(['after the wait']);
    expect(emu.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([429, 200]);
    expect(emu.stats.status429).toBe(1);

    emu.injectFault({ path: /\/messages$/ }, { kind: 'ratelimit', retryAfterSec: 0.2, scope: 'global' });
    const limited = await raw(emu, 'POST', `/channels/${COMMS}/messages`, { content: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: 'You are being rate limited.', retry_after: 0.2, global: true });
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('global');
  });

  it('sends rate-limit headers on every answer and enforces 5 messages per 5 s per channel when asked', async () => {
    const { emu } = await setup({ enforceLimits: true });
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await raw(emu, 'POST', `/channels/${COMMS}/messages`, { content: `m${i}` }));
    expect(answers.slice(0, 5).map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    const sixth = answers[5];
    expect(sixth?.status).toBe(429);
    expect(sixth?.headers.get('x-ratelimit-scope')).toBe('user');
    expect(sixth?.headers.get('x-ratelimit-bucket')).toBe(answers[0]?.headers.get('x-ratelimit-bucket'));
    expect(sixth?.body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(emu.messages(COMMS)).toHaveLength(5);
  });

  it('lets discord.js retry a 500 and the message lands once', async () => {
    const { emu, comms } = await setup();
    emu.injectFault({ method: 'POST', path: `/channels/${COMMS}/messages` }, { kind: 'status', status: 500 });
    await comms.send('second try');
    expect(emu.messages(COMMS)).toHaveLength(1);
    expect(emu.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([500, 200]);
  });

  it('surfaces 403 Missing Access as a DiscordAPIError with code 50001', async () => {
    const { emu, comms } = await setup();
    emu.injectFault({ method: 'POST', path: `/channels/${COMMS}/messages` }, { kind: 'error', status: 403, code: 50001, message: 'Missing Access' });
    const error = await apiError(comms.send('nope'));
    expect(error.status).toBe(403);
    expect(error.code).toBe(50001);
    expect(error.message).toBe('Missing Access');
    expect(emu.messages(COMMS)).toHaveLength(0);
  });

  it('keeps one message when a send times out after being stored and discord.js retries with the same nonce', async () => {
    const { emu, comms } = await setup({}, { timeout: 300, retries: 1 });
    emu.injectFault({ method: 'POST', path: `/channels/${COMMS}/messages` }, { kind: 'timeoutAfterStore' });
    const sent = await comms.send({ content: 'exactly once', nonce: 'delivery-7', enforceNonce: true });
    expect(emu.messages(COMMS).map((m) => m.id)).toEqual([sent.id]);
    expect(emu.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('adds the configured latency to sends, and a hung request fails on the client timeout without storing', async () => {
    const { emu, comms } = await setup({}, { timeout: 250, retries: 0 });
    emu.setLatency(150);
    const started = Date.now();
    await comms.send('slow network');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    emu.setLatency(0);
    emu.injectFault({ method: 'POST' }, { kind: 'hang' });
    await expect(comms.send('never answered')).rejects.toThrow(/abort/i);
    expect(emu.messages(COMMS).map((m) => m.content)).toEqual(['slow network']);
  });

  it('refuses command registrations Discord would refuse', async () => {
    const { emu, client } = await setup();
    const error = await apiError(
      client.application!.commands.set(
        [{ name: 'draft', description: 'Draft', options: [{ type: 3, name: 'vars', description: 'v' }, { type: 3, name: 'template', description: 't', required: true }] }],
        GUILD.id,
      ),
    );
    expect(error.code).toBe(50035);
    expect(error.rawError).toMatchObject({ errors: { 0: { options: { 1: { _errors: [{ message: 'Required options must be placed before non-required options' }] } } } } });
    expect(emu.registeredCommands(GUILD.id)).toEqual([]);
  });

  it('crossposts only in announcement channels, and pins with a system notice', async () => {
    const { emu, client, comms } = await setup();
    const news = client.channels.cache.get(ANNOUNCEMENTS) as TextChannel;
    const announcement = await news.send('published');
    await announcement.crosspost();
    await announcement.pin();
    const [stored, notice] = emu.messages(ANNOUNCEMENTS);
    expect(stored?.crossposted).toBe(true);
    expect(stored?.pinned).toBe(true);
    expect(notice?.type).toBe(6);
    expect((await apiError(announcement.crosspost())).code).toBe(40033);
    const local = await comms.send('not an announcement');
    expect((await apiError(local.crosspost())).code).toBe(50024);
  });

  it('unpins one message and keeps the others pinned; a deleted message leaves the pins', async () => {
    const { emu, client } = await setup();
    const news = client.channels.cache.get(ANNOUNCEMENTS) as TextChannel;
    const first = await news.send('Investigating');
    const second = await news.send('Funds update');
    await first.pin();
    await second.pin();
    await first.unpin();
    const pinned = () => raw(emu, 'GET', `/channels/${ANNOUNCEMENTS}/pins`).then((r) => (r.body as Array<{ id: string }>).map((m) => m.id));
    expect(await pinned()).toEqual([second.id]);
    expect(emu.messages(ANNOUNCEMENTS).filter((m) => m.pinned).map((m) => m.id)).toEqual([second.id]);
    // Unpinning again is a no-op, as on Discord.
    expect((await raw(emu, 'DELETE', `/channels/${ANNOUNCEMENTS}/pins/${first.id}`)).status).toBe(204);

    await second.delete();
    expect(await pinned()).toEqual([]);
    expect((await raw(emu, 'DELETE', `/channels/${ANNOUNCEMENTS}/pins/${second.id}`)).body).toMatchObject({ code: 10008 });
  });

  it('delivers an interaction to interactionCreate and records interaction.reply()', async () => {
    const { emu, client } = await setup();
    await client.application?.commands.set([{ name: 'status', description: 'Delivery status', options: [{ type: 3, name: 'draft', description: 'Draft id', required: true }] }], GUILD.id);
    expect(emu.registeredCommands(GUILD.id)).toMatchObject([{ name: 'status' }]);
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const roles = interaction.inCachedGuild() ? [...interaction.member.roles.cache.keys()] : [];
      await interaction.reply({ content: `draft ${interaction.options.getString('draft', true)} by ${interaction.user.username} ${roles.includes('1100000000000000020')}`, flags: 64 });
    });
    const { id } = await emu.sendInteraction({ kind: 'command', name: 'status', channelId: COMMS, userId: ALICE, options: { draft: '12' } });
    const responses = await emu.waitFor(() => emu.interactionResponses(id).length > 0 && emu.interactionResponses(id), 5_000);
    expect(responses[0]).toMatchObject({ kind: 'callback', type: 4, data: { content: 'draft 12 by alice true', flags: 64 } });
    expect(emu.messages(COMMS).at(-1)).toMatchObject({ content: 'draft 12 by alice true', ephemeral: true, interaction_id: id });
  });

  it('walks a button, a modal and a deferred reply with follow-up through discord.js', async () => {
    const { emu, client, comms } = await setup();
    const preview = await comms.send({
      content: 'Draft #3',
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('reject:3').setLabel('Reject').setStyle(ButtonStyle.Danger))],
    });
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      if (interaction.isButton()) {
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId('reason:3')
            .setTitle('Reject draft #3')
            .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('reason').setLabel('Reason').setStyle(TextInputStyle.Paragraph))),
        );
      } else if (interaction.isModalSubmit()) {
        await interaction.deferReply();
        await interaction.editReply(`rejected: ${interaction.fields.getTextInputValue('reason')}`);
        await interaction.followUp('logged');
      }
    });
    const button = await emu.sendInteraction({ kind: 'button', customId: 'reject:3', messageId: preview.id, channelId: COMMS, userId: ALICE });
    await emu.waitFor(() => emu.interactionResponses(button.id).length > 0);
    expect(emu.interactionResponses(button.id)[0]).toMatchObject({ type: 9, data: { custom_id: 'reason:3' } });
    const modal = await emu.sendInteraction({ kind: 'modal', customId: 'reason:3', fields: { reason: 'wrong pool' }, channelId: COMMS, userId: ALICE });
    const responses = await emu.waitFor(() => (emu.interactionResponses(modal.id).length === 3 ? emu.interactionResponses(modal.id) : undefined));
    expect(responses.map((r) => [r.kind, r.type])).toEqual([['callback', 5], ['editOriginal', undefined], ['followup', undefined]]);
    expect(emu.messages(COMMS).slice(-2).map((m) => m.content)).toEqual(['rejected: wrong pool', 'logged']);
    await expect(emu.sendInteraction({ kind: 'button', customId: 'approve:3', messageId: preview.id, channelId: COMMS, userId: ALICE })).rejects.toThrow(/no component/);
  });

  it('refuses a callback after the acknowledgement window with Unknown interaction', async () => {
    const { emu, client } = await setup({ interactionAckTimeoutMs: 100 });
    await client.application?.commands.set([{ name: 'help', description: 'Help' }], GUILD.id);
    const failure = new Promise<unknown>((resolve) => {
      client.on(Events.InteractionCreate, async (interaction: Interaction) => {
        if (!interaction.isChatInputCommand()) return;
        // The bot answers after the window: the clock is moved past it instead of waited out.
        vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 200 });
        await interaction.reply('too late').then(resolve, resolve);
        vi.useRealTimers();
      });
    });
    await emu.sendInteraction({ kind: 'command', name: 'help', channelId: COMMS, userId: ALICE });
    const error = await failure;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
  });

  it('survives a dropped gateway: discord.js resumes and further interactions still arrive', async () => {
    const { emu, client } = await setup();
    await client.application?.commands.set([{ name: 'help', description: 'Help' }], GUILD.id);
    const answered: string[] = [];
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      answered.push(interaction.id);
      await interaction.reply('commands: /help');
    });
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    emu.disconnectGateway();
    // Sent while the bot is offline: Discord replays it on RESUME.
    const missed = await emu.sendInteraction({ kind: 'command', name: 'help', channelId: COMMS, userId: ALICE });
    await within(resumed, 5_000, 'RESUME');
    const after = await emu.sendInteraction({ kind: 'command', name: 'help', channelId: COMMS, userId: ALICE });
    await emu.waitFor(() => emu.interactionResponses(after.id).length > 0);
    expect(answered).toEqual([missed.id, after.id]);
    expect(emu.stats).toMatchObject({ identifies: 1, resumes: 1 });
  });

  it('answers 503 to everything while down, and unknown routes with 404', async () => {
    const { emu } = await setup();
    emu.setDown(true);
    expect((await raw(emu, 'GET', `/channels/${COMMS}`)).status).toBe(503);
    emu.setDown(false);
    expect((await raw(emu, 'GET', `/channels/${COMMS}`)).body).toMatchObject({ id: COMMS, type: 0, guild_id: GUILD.id });
    expect(await raw(emu, 'GET', '/no/such/route')).toMatchObject({ status: 404, body: { message: '404: Not Found', code: 0 } });
  });
});
