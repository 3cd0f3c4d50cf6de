import { platformName } from '../../config/schema';
import type { ChatPlatform } from '../../config/types';
import type { Logger } from '../../util/log';
import type { Core } from '../core';
import { recordSent } from '../sent';

/** What a chat platform gives the board: how to post plain text in a chat. */
export interface NoticeSurface {
  readonly platform: ChatPlatform;
  post(chatId: string, text: string): Promise<string>;
}

/**
 * herald's own word to the team, in every attached platform's comms channel: reminders of
 * promises, break-glass notices. Chat adapters supply the surface through the port (the same
 * one their previews use); each message sent is recorded.
 */
export class NoticeBoard {
  private readonly surfaces = new Map<NoticeSurface, Logger | undefined>();

  constructor(private readonly core: Core) {}

  attach(surface: NoticeSurface, log?: Logger): () => void {
    this.surfaces.set(surface, log);
    return () => void this.surfaces.delete(surface);
  }

  /** Posts in each comms channel; a platform that fails is logged and does not stop the others. Returns how many took it. */
  async post(text: string, draftId?: number): Promise<number> {
    const sent = await Promise.all(
      [...this.surfaces].map(async ([surface, log]) => {
        const chatId = this.core.config.comms[surface.platform];
        if (!chatId) return false;
        try {
          const id = await surface.post(chatId, text);
          await recordSent(this.core, { platform: surface.platform, chatId, messageIds: [id], text, kind: 'notice', ...(draftId !== undefined ? { draftId } : {}) });
          return true;
        } catch (err) {
          log?.error({ err }, `could not post a notice in the ${platformName(surface.platform)} comms chat`);
          return false;
        }
      }),
    );
    return sent.filter(Boolean).length;
  }
}
