import { rmSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { join } from 'node:path';
import { SANDBOX_IDS, SANDBOX_PEOPLE, startWorld, type SandboxPerson, type World, type WorldOptions } from '../../../src/sandbox/world';
import { openDb, type Db } from '../../../src/store/db';
import { tempDir } from '../../support/config';
import { deliveriesOf, deliveryTo, partsOf } from '../../support/rows';
import { until } from '../../support/until';
import { shownRevisions } from '../../../src/store/schema';
import { spawnHerald, type HeraldProcess } from './herald-process';

export { SANDBOX_IDS, SANDBOX_PEOPLE };
export type Comms = 'discord' | 'telegram';

const HEADER = /^#(\d+) · /;

/**
 * The emulators of all three platforms and `herald start` as a child process pointed at them:
 * what an operator runs, driven from the outside the way the team would drive it. The world
 * outlives herald, so a test can kill and restart herald mid-broadcast.
 */
export class Stage {
  readonly dir: string;
  /** herald's database: a SQLite file in the stage's folder, or the postgres:// URL the stage was opened on. */
  readonly dbPath: string;
  /** The last herald started. */
  herald: HeraldProcess | undefined;
  /** Every slash command the team typed in the Discord comms channel, by interaction id, oldest first. */
  readonly interactions: string[] = [];
  /** Every herald this stage started (several share one database: instances), stopped on close. */
  private readonly heralds = new Set<HeraldProcess>();
  /** Every version each preview header showed, per comms platform and draft, in order. */
  private readonly headers: Record<Comms, Map<number, string[]>> = { discord: new Map(), telegram: new Map() };
  private db: Db | undefined;

  private constructor(
    readonly world: World,
    dir: string,
    databaseUrl?: string,
  ) {
    this.dir = dir;
    this.dbPath = databaseUrl ?? join(dir, 'herald.db');
    const note = (platform: Comms, text: string) => {
      const id = HEADER.exec(text)?.[1];
      if (!id) return;
      const list = this.headers[platform].get(Number(id)) ?? [];
      if (list.at(-1) !== text) list.push(text);
      this.headers[platform].set(Number(id), list);
    };
    const onDiscord = (m: { channel_id: string; content: string }) => m.channel_id === SANDBOX_IDS.discordComms && note('discord', m.content);
    world.discord.on('message', onDiscord);
    world.discord.on('messageUpdate', onDiscord);
    const onTelegram = (m: { chatId: number; text: string; sender: unknown }) => m.chatId === SANDBOX_IDS.telegramComms && m.sender === 'bot' && note('telegram', m.text);
    world.telegram.on('message', onTelegram);
    world.telegram.on('edit', onTelegram);
  }

  /** `databaseUrl`: herald runs on that PostgreSQL database instead of a SQLite file. */
  static async open(options: Omit<WorldOptions, 'configPath'> & { databaseUrl?: string } = {}): Promise<Stage> {
    const { databaseUrl, ...world } = options;
    const dir = tempDir('herald-e2e-');
    return new Stage(await startWorld({ ...world, configPath: join(dir, 'herald.config.yaml') }), dir, databaseUrl);
  }

  /**
   * Starts `herald start` on this stage's database and waits until every platform is connected.
   * `env` adds settings, such as HERALD_INSTANCE_ID for one of two instances.
   */
  async start(nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<HeraldProcess> {
    const h = spawnHerald({ ...this.world.env, ...env }, { dbPath: this.dbPath, nodeArgs });
    this.herald = h;
    this.heralds.add(h);
    void h.exited.then(() => this.heralds.delete(h));
    await h.ready;
    return h;
  }

  async close(): Promise<void> {
    await Promise.all([...this.heralds].map((h) => h.stop()));
    this.db?.$client.close();
    await this.world.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // ---- The team, in its comms chats ----

  /** A member types a slash command in the Discord comms channel; resolves once herald acknowledged it. */
  async discordCommand(who: SandboxPerson, name: string, options: Record<string, string> = {}): Promise<string> {
    const { id } = await this.world.discord.sendInteraction({
      kind: 'command',
      name,
      options,
      guildId: SANDBOX_IDS.guild,
      channelId: SANDBOX_IDS.discordComms,
      userId: SANDBOX_PEOPLE[who].discord,
    });
    this.interactions.push(id);
    await this.world.discord.waitFor(() => this.world.discord.interactionResponses(id).length > 0, 10_000);
    return id;
  }

  /** A member writes a command in the Telegram comms group; returns its message id. */
  telegramCommand(who: SandboxPerson, text: string): number {
    return this.world.telegram.sendUserMessage({ chatId: SANDBOX_IDS.telegramComms, from: SANDBOX_PEOPLE[who].telegram, text }).message!.message_id;
  }

  /** alice drafts in a comms chat; resolves with the draft id once its preview header is up. */
  async draft(comms: Comms, template: string, vars: string): Promise<number> {
    const before = new Set([...this.headers[comms].keys()]);
    if (comms === 'discord') await this.discordCommand('alice', 'draft', { template, vars });
    else this.telegramCommand('alice', `/draft ${template} ${vars}`);
    const id = await this.until(() => [...this.headers[comms].keys()].find((id) => !before.has(id)), `the preview of a new draft in the ${comms} comms chat`);
    // A typed /approve counts for what herald has recorded showing in that chat; a person needs longer to read it.
    await this.until(() => this.store().select().from(shownRevisions).where(and(eq(shownRevisions.draftId, id), eq(shownRevisions.platform, comms))).get(), `herald to record the preview of #${id}`);
    return id;
  }

  async approve(comms: Comms, who: SandboxPerson, draftId: number): Promise<void> {
    if (comms === 'discord') await this.discordCommand(who, 'approve', { draft: String(draftId) });
    else this.telegramCommand(who, `/approve ${draftId}`);
  }

  /** Every text the draft's preview header showed in a comms chat, oldest first. */
  headerHistory(comms: Comms, draftId: number): string[] {
    return [...(this.headers[comms].get(draftId) ?? [])];
  }

  header(comms: Comms, draftId: number): string {
    return this.headerHistory(comms, draftId).at(-1) ?? '';
  }

  // ---- What herald recorded (read from its database, as `herald audit` would) ----

  private store(): Db {
    this.db ??= openDb(this.dbPath, { migrate: false });
    return this.db;
  }

  deliveries(draftId: number) {
    return deliveriesOf(this.store(), draftId);
  }

  parts(deliveryId: number) {
    return partsOf(this.store(), deliveryId);
  }

  delivery(draftId: number, targetId: string) {
    return deliveryTo(this.store(), targetId, draftId);
  }

  /** Resolves once every delivery of the draft's broadcast is settled (sent or failed). */
  settled(draftId: number, timeoutMs = 30_000) {
    return this.until(() => {
      const rows = this.deliveries(draftId);
      return rows.length > 0 && rows.every((d) => d.status !== 'pending') && rows;
    }, `the deliveries of #${draftId} to settle`, timeoutMs);
  }

  // ---- What the public sees ----

  discordPosts(marker: string, channel = this.world.discordTargets[0]!) {
    return this.world.discord.messages(channel).filter((m) => !m.deleted && m.type !== 6 && m.content.includes(marker));
  }

  telegramPosts(marker: string, chat = this.world.telegramTargets[0]!) {
    return this.world.telegram.messages(chat).filter((m) => m.text.includes(marker));
  }

  xPosts(marker: string) {
    return this.world.x.posts().filter((p) => !p.deleted && p.text.includes(marker));
  }

  /** Waits for `check` to return something truthy; a failure quotes herald's last logs. */
  until<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
    const logs = () => (this.herald ? `\nherald's last logs:\n${this.herald.logs.slice(-10).join('\n')}` : '');
    return until(check, { what: () => `${what}${logs()}`, timeoutMs, everyMs: 20 });
  }
}
