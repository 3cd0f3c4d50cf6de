import { and, desc, eq } from 'drizzle-orm';
import { platformName } from '../../config/schema';
import type { ChatPlatform } from '../../config/types';
import { broadcasts, deliveries } from '../../store/schema';
import type { Logger } from '../../util/log';
import type { Core } from '../core';
import { previewsOf, recordSent } from '../sent';
import { previewButtons, type ButtonPress } from './buttons';
import { buildView, headerText, type DraftView } from './view';
import { failureNotice, supersededText } from './wording';

/** What a preview header says: the newest one the state and its buttons, an older one only that it is out of date. */
export type HeaderFace =
  | { state: 'current'; view: DraftView; text: string; buttons: Array<ButtonPress & { id: string }> }
  | { state: 'superseded'; view: DraftView; text: string; buttons: [] };

/** All a chat platform supplies to keep its previews: how a header looks there, and how to edit, post and link. */
export interface PreviewSurface<Body> {
  readonly platform: ChatPlatform;
  /** The header as this platform sends it, and its text for the record. */
  render(face: HeaderFace): { text: string; body: Body };
  /** 'gone' when the message was deleted, 'unchanged' when the platform says nothing changed; throws otherwise. */
  edit(chatId: string, messageId: string, body: Body): Promise<'edited' | 'unchanged' | 'gone'>;
  /** Posts plain text; returns the message id. */
  post(chatId: string, text: string): Promise<string>;
  link(chatId: string, messageId: string): Promise<string | undefined>;
}

export interface PreviewSubscription {
  /** A new preview header was sent and recorded: remember what it shows, and mark older ones out of date. */
  posted(chatId: string, messageId: string, view: DraftView): void;
  /** Resolves when no refresh is in flight. */
  idle(): Promise<void>;
  detach(): void;
}

export const currentFace = (view: DraftView): HeaderFace => ({ state: 'current', view, text: headerText(view), buttons: previewButtons(view) });

/**
 * Keeps every chat platform's previews current as approvals and deliveries land. Refreshes of
 * one draft are coalesced per platform (deliveries change it many times a second); a header is
 * edited only when what it shows would change, and every edit is recorded.
 */
export class PreviewKeeper {
  private readonly upkeeps = new Set<Upkeep<unknown>>();
  private readonly onChange = (draftId: number) => {
    for (const u of this.upkeeps) void u.refresh(draftId);
  };

  /** The status site's destinations show on the newest statement's preview. */
  private readonly onSite = () => {
    const latest = this.core.db.select({ draftId: broadcasts.draftId }).from(broadcasts).orderBy(desc(broadcasts.id)).limit(1).get();
    if (latest) this.onChange(latest.draftId);
  };

  constructor(
    private readonly core: Core,
    /**
     * A preview only shows the change, and rebuilding one is milliseconds of work for each
     * platform: it waits for this (the deliveries a command started have sent their first
     * requests), so it never stands between an approval and the posts.
     */
    private readonly ready: () => Promise<void> = () => Promise.resolve(),
  ) {
    core.events.on('draftChanged', this.onChange);
    core.events.on('sitePublicationChanged', this.onSite);
  }

  attach<Body>(surface: PreviewSurface<Body>, log: Logger): PreviewSubscription {
    const upkeep = new Upkeep(this.core, surface, log, this.ready);
    this.upkeeps.add(upkeep as Upkeep<unknown>);
    return {
      posted: (chatId, messageId, view) => upkeep.posted(chatId, messageId, view),
      idle: () => upkeep.idle(),
      detach: () => {
        upkeep.detached = true;
        this.upkeeps.delete(upkeep as Upkeep<unknown>);
      },
    };
  }

  /** Says something about herald itself (a platform down, back again) in the comms chat of every attached platform. */
  async announce(text: string): Promise<void> {
    await Promise.all([...this.upkeeps].map((u) => u.announce(text)));
  }

  close(): void {
    this.core.events.off('draftChanged', this.onChange);
    this.core.events.off('sitePublicationChanged', this.onSite);
    for (const u of this.upkeeps) u.detached = true;
    this.upkeeps.clear();
  }
}

class Upkeep<Body> {
  detached = false;
  private readonly running = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  /** What each header shows now, by chat and message. */
  private readonly shown = new Map<string, string>();
  /** The revision whose text each preview posted since start carries under its header. */
  private readonly revisions = new Map<string, number>();
  /** Failed deliveries already said in the comms chat. */
  private readonly noticed = new Set<number>();

  constructor(
    private readonly core: Core,
    private readonly surface: PreviewSurface<Body>,
    private readonly log: Logger,
    /** Waited for before each refresh, inside it, so idle() covers a refresh still waiting. */
    private readonly ready: () => Promise<void>,
  ) {
    // Failures from before this start were reported then.
    for (const d of core.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.status, 'failed')).all()) this.noticed.add(d.id);
  }

  posted(chatId: string, messageId: string, view: DraftView): void {
    this.shown.set(`${chatId}:${messageId}`, JSON.stringify(this.surface.render(currentFace(view)).body));
    this.revisions.set(`${chatId}:${messageId}`, view.revision.number);
    // The new preview supersedes older ones; it may also already be behind the draft.
    void this.refresh(view.draftId);
  }

  refresh(draftId: number): Promise<void> {
    if (this.detached) return Promise.resolve();
    const current = this.running.get(draftId);
    if (current) {
      this.again.add(draftId);
      return current;
    }
    const run = (async () => {
      await this.ready();
      do {
        this.again.delete(draftId);
        await this.refreshNow(draftId).catch((err: unknown) => this.log.warn({ err, draftId }, `could not refresh the ${platformName(this.surface.platform)} preview`));
      } while (this.again.has(draftId) && !this.detached);
    })().finally(() => this.running.delete(draftId));
    this.running.set(draftId, run);
    return run;
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  private async refreshNow(draftId: number): Promise<void> {
    await this.noticeFailures(draftId);
    const rows = previewsOf(this.core, draftId, this.surface.platform);
    const newest = rows[rows.length - 1];
    // A draft previewed only on another platform: its view would be built for nothing on every delivery that lands.
    if (!newest) return;
    const view = buildView(this.core, this.core.db, draftId);
    // Only the newest preview, and only while the text under it is the current revision's, shows
    // the state and the buttons: right after an edit the new preview is still on its way, and the
    // older text must not carry buttons that would approve the new one.
    // (A retraction's preview carries a revision newer than the one the view settles back on.)
    const carries = (row: typeof newest) => (this.revisions.get(`${row.chatId}:${row.messageId}`) ?? view.revision.number) >= view.revision.number;
    const current = carries(newest) ? newest : undefined;
    const link = current && rows.length > 1 ? await this.surface.link(current.chatId, current.messageId).catch(() => undefined) : undefined;
    for (const row of rows) {
      const face: HeaderFace = row === current ? currentFace(view) : { state: 'superseded', view, text: supersededText(view, link), buttons: [] };
      const { text, body } = this.surface.render(face);
      const key = `${row.chatId}:${row.messageId}`;
      const sig = JSON.stringify(body);
      if (this.shown.get(key) === sig) continue;
      let result;
      try {
        result = await this.surface.edit(row.chatId, row.messageId, body);
      } catch (err) {
        this.log.warn({ err, draftId, messageId: row.messageId }, `could not edit a ${platformName(this.surface.platform)} preview`);
        continue;
      }
      this.shown.set(key, sig);
      if (result === 'edited') recordSent(this.core, { platform: this.surface.platform, chatId: row.chatId, messageIds: [row.messageId], text, kind: 'preview-update', draftId });
    }
  }

  async announce(text: string): Promise<void> {
    const comms = this.core.config.comms[this.surface.platform];
    if (!comms || this.detached) return;
    try {
      const id = await this.surface.post(comms, text);
      void recordSent(this.core, { platform: this.surface.platform, chatId: comms, messageIds: [id], text, kind: 'notice' });
    } catch (err) {
      this.log.error({ err }, `could not post a notice in the ${platformName(this.surface.platform)} comms chat`);
    }
  }

  private async noticeFailures(draftId: number): Promise<void> {
    const comms = this.core.config.comms[this.surface.platform];
    if (!comms) return;
    const failed = this.core.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.draftId, draftId), eq(deliveries.status, 'failed')))
      .all()
      .filter((d) => !this.noticed.has(d.id));
    for (const d of failed) {
      this.noticed.add(d.id);
      const text = failureNotice(draftId, d);
      try {
        const id = await this.surface.post(comms, text);
        void recordSent(this.core, { platform: this.surface.platform, chatId: comms, messageIds: [id], text, kind: 'notice', draftId });
      } catch (err) {
        this.log.error({ err, draftId, target: d.targetId }, `could not post a failure notice in the ${platformName(this.surface.platform)} comms chat`);
      }
    }
  }
}
