import { and, eq } from 'drizzle-orm';
import { platformName } from '../../config/schema';
import type { Core } from '../../core/core';
import { buildView } from '../../core/drafts/view';
import { previewsOf } from '../../core/outbox';
import { deliveries } from '../../store/schema';
import type { Logger } from '../../util/log';
import { redact } from '../../util/redact';
import type { ChatOut } from './chat-out';
import { apiCode } from './errors';
import { messageLink } from './links';
import { buttons, headerContent, supersededContent } from './preview';
import type { ChannelDirectory } from './publisher';


/**
 * Keeps a draft's previews in this platform's chats current as approvals and deliveries land.
 * Refreshes of one draft are coalesced (deliveries change it many times a second); an edit is
 * made only when the text or buttons would change, and every edit is recorded.
 */
export class PreviewRefresher {
  private readonly running = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  private readonly shown = new Map<string, string>();
  private readonly noticed = new Set<number>();

  constructor(
    private readonly core: Core,
    private readonly chat: ChatOut,
    private readonly channels: ChannelDirectory,
    private readonly log: Logger,
  ) {
    // Failures from before this start were reported then.
    for (const d of core.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.status, 'failed')).all()) this.noticed.add(d.id);
  }

  /** Remembers what a new preview header shows, so the next refresh edits it only on a change. */
  posted(messageId: string, content: string, components: unknown): void {
    this.shown.set(messageId, JSON.stringify({ content, components }));
  }

  refresh(draftId: number): Promise<void> {
    const current = this.running.get(draftId);
    if (current) {
      this.again.add(draftId);
      return current;
    }
    const run = (async () => {
      do {
        this.again.delete(draftId);
        await this.refreshNow(draftId).catch((err: unknown) => this.log.warn({ err, draftId }, 'could not refresh the Discord preview'));
      } while (this.again.has(draftId));
    })().finally(() => this.running.delete(draftId));
    this.running.set(draftId, run);
    return run;
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  private async refreshNow(draftId: number): Promise<void> {
    await this.noticeFailures(draftId);
    const rows = previewsOf(this.core, draftId, 'discord');
    const newest = rows[rows.length - 1];
    // A draft previewed only on another platform: its view would be built for nothing on every delivery that lands.
    if (!newest) return;
    const view = buildView(this.core, this.core.db, draftId);
    const guild = await this.channels.guildOf(newest.chatId).catch(() => undefined);
    const newestLink = guild ? messageLink(guild, newest.chatId, newest.messageId) : undefined;
    for (const row of rows) {
      const body = row === newest ? { content: headerContent(view), components: buttons(view) } : { content: supersededContent(view, newestLink), components: [] };
      const key = JSON.stringify(body);
      if (this.shown.get(row.messageId) === key) continue;
      try {
        await this.chat.edit(row.chatId, row.messageId, body);
      } catch (err) {
        // Someone deleted the preview: nothing to keep current there.
        if (apiCode(err) === 10008 || apiCode(err) === 10003) this.shown.set(row.messageId, key);
        else this.log.warn({ err, draftId, messageId: row.messageId }, 'could not edit a Discord preview');
        continue;
      }
      this.shown.set(row.messageId, key);
      this.chat.record({ chatId: row.chatId, messageIds: [row.messageId], text: body.content, kind: 'preview-update', draftId });
    }
  }

  /** A delivery that failed is said in the comms channel once, not only in an edited preview nobody is notified of. */
  private async noticeFailures(draftId: number): Promise<void> {
    const comms = this.core.config.comms.discord;
    if (!comms) return;
    const failed = this.core.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.draftId, draftId), eq(deliveries.status, 'failed')))
      .all()
      .filter((d) => !this.noticed.has(d.id));
    for (const d of failed) {
      this.noticed.add(d.id);
      const text = `❌ #${draftId} did not reach ${d.targetId} (${platformName(d.platform)}): ${redact(d.lastError ?? 'failed')}. herald will not retry it on its own; fix the cause, then /retry #${draftId}.`;
      try {
        const m = await this.chat.post(comms, { content: text });
        this.chat.record({ chatId: comms, messageIds: [m.id], text, kind: 'notice', draftId });
      } catch (err) {
        this.log.error({ err, draftId, target: d.targetId }, 'could not post a failure notice in the Discord comms channel');
      }
    }
  }
}
