import type { Logger } from '../../util/log';
import { mayRun } from '../commands/authorize';
import { draftForm, type DraftForm } from '../commands/forms';
import type { ChatEvent, CommandOutcome } from '../commands/types';
import type { Core } from '../core';
import type { Actor } from '../people';
import type { PreviewKeeper, PreviewSubscription, PreviewSurface } from '../previews/keeper';
import { suggestions, type SuggestRequest, type Suggestion } from '../read/suggestions';
import type { NoticeBoard } from '../notices/board';
import { recordSent, type SentRecord, type SentExtra } from '../sent';

/**
 * Everything a chat adapter may ask of herald. Adapters translate; every decision (who may run
 * what, what a preview shows, when it is out of date) is made behind this interface.
 */
export interface ChatPort {
  /** Runs one command or button press: it is checked, deduplicated, logged and answered. */
  handle(event: ChatEvent): CommandOutcome;
  /** Whether herald would run this command for this person here, to choose between a form and an answer. */
  mayRun(command: string, actor: Actor, chatId: string): boolean;
  /** Values for a template, draft or topic argument as it is typed. */
  suggest(request: SuggestRequest): Suggestion[];
  /** The form for a /draft whose required variables are missing, when they fit one; else null. */
  draftForm(template: string, varsText: string): DraftForm | null;
  /** Keeps this platform's previews current through the surface it supplies. */
  previews<Body>(surface: PreviewSurface<Body>, log: Logger): PreviewSubscription;
  /** Every message herald sent in a chat is recorded; a preview is remembered so it can be edited. */
  recordSent(sent: SentRecord, extra?: SentExtra): Promise<void>;
}

export function createChatPort(core: Core, keeper: PreviewKeeper, handle: (event: ChatEvent) => CommandOutcome, board: NoticeBoard): ChatPort {
  return {
    handle,
    mayRun: (command, actor, chatId) => mayRun(core.config, command, actor, chatId),
    suggest: (request) => suggestions(core, request),
    draftForm: (template, varsText) => draftForm(core.library, template, varsText),
    // The surface that keeps previews also carries herald's notices (reminders, break glass) to the comms chat.
    previews: (surface, log) => {
      const subscription = keeper.attach(surface, log);
      const off = board.attach(surface, log);
      return { ...subscription, detach: () => (off(), subscription.detach()) };
    },
    recordSent: (sent, extra) => recordSent(core, sent, extra),
  };
}

export type { DraftForm, PreviewSubscription, PreviewSurface, SentRecord, SentExtra, Suggestion, SuggestRequest };
export type { HeaderFace } from '../previews/keeper';
