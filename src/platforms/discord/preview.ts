import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIComponentInMessageActionRow, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { headerText, xThreadText, type DraftView } from '../../core/drafts/view';
import { DISCORD_LIMIT } from '../../core/render/discord';
import { codeBlocks, splitText } from './chat-out';

export interface ButtonPress {
  action: 'approve' | 'reject';
  draftId: number;
  revision: number;
}

/** Button data carries the draft and the revision shown, so a press on an outdated preview is refused by the core. */
export const buttonId = (action: ButtonPress['action'], draftId: number, revision: number) => `${action}:${draftId}:${revision}`;

export function parseButtonId(customId: string): ButtonPress | null {
  const m = /^(approve|reject):(\d{1,9}):(\d{1,9})$/.exec(customId);
  return m ? { action: m[1] as ButtonPress['action'], draftId: Number(m[2]), revision: Number(m[3]) } : null;
}

export function buttons(view: DraftView): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  if (!view.awaitingApproval) return [];
  const r = view.revision.number;
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Success, label: `Approve #${view.draftId}`, custom_id: buttonId('approve', view.draftId, r) },
        { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Reject', custom_id: buttonId('reject', view.draftId, r) },
      ],
    },
  ];
}

const clip = (text: string) => {
  const chars = [...text];
  return chars.length <= DISCORD_LIMIT ? text : `${chars.slice(0, DISCORD_LIMIT - 1).join('')}…`;
};

/**
 * The preview header: the core's plain-text header, plus what happened after a post went up
 * (not published to following servers, not pinned), which the core keeps as the delivery's note.
 */
export function headerContent(view: DraftView): string {
  return clip(headerText(view));
}

/** An older preview of a draft: the newest one below carries the state and the buttons. */
export function supersededContent(view: DraftView, newest: string | undefined): string {
  return clip(`#${view.draftId} · ${view.templateId} — ${view.title}\nThis preview is out of date: #${view.draftId} is at revision ${view.revision.number}, ${view.statusText}. The current preview: ${newest ?? 'below'}`);
}

/** The header is posted without link previews, so the ✅ links stay one line each. */
export function headerBody(view: DraftView): RESTPostAPIChannelMessageJSONBody {
  return { content: headerContent(view), components: buttons(view), flags: MessageFlags.SuppressEmbeds };
}

/**
 * What follows the header: the Discord post exactly as it will be sent (one message per part),
 * then the Telegram text and the X thread as plain text, each labelled.
 */
export function statementBodies(view: DraftView): RESTPostAPIChannelMessageJSONBody[] {
  const telegram = view.rendered.telegram.map((p) => p.text).join('\n\n— next message —\n\n');
  const x = xThreadText(view);
  const tCount = view.rendered.telegram.length;
  const xCount = view.rendered.x.length;
  const bodies = [
    ...view.rendered.discord.map((content) => ({ content })),
    ...codeBlocks(`**Telegram** (${tCount === 1 ? '1 message' : `${tCount} messages`}; formatting shown as plain text):`, telegram).map((content) => ({ content })),
    ...codeBlocks(`**X** (${xCount === 1 ? '1 post' : `thread of ${xCount} posts`}):`, x).map((content) => ({ content, flags: MessageFlags.SuppressEmbeds })),
  ];
  return bodies;
}

/** A plain reply, split to fit. */
export const textBodies = (text: string): RESTPostAPIChannelMessageJSONBody[] => splitText(text).map((content) => ({ content }));
