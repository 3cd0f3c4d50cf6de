import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIComponentInMessageActionRow, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { currentFace, type HeaderFace } from '../../core/previews/keeper';
import { xThreadText, type DraftView } from '../../core/previews/view';
import { DISCORD_LIMIT } from '../../core/render/discord';
import { codeBlocks, splitText } from './chat-out';

/** Discord's rendering of the core's preview buttons. */
export function buttons(face: Pick<HeaderFace, 'view' | 'buttons'>): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  if (!face.buttons.length) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: face.buttons.map((b) =>
        b.action === 'approve'
          ? { type: ComponentType.Button, style: ButtonStyle.Success, label: `Approve #${face.view.draftId}`, custom_id: b.id }
          : { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Reject', custom_id: b.id },
      ),
    },
  ];
}

const clip = (text: string) => {
  const chars = [...text];
  return chars.length <= DISCORD_LIMIT ? text : `${chars.slice(0, DISCORD_LIMIT - 1).join('')}…`;
};

/** A header as Discord shows it: the core's text, clipped to one message, and its buttons (none on an older preview). */
export function headerMessage(face: HeaderFace): { content: string; components: APIActionRowComponent<APIComponentInMessageActionRow>[] } {
  return { content: clip(face.text), components: buttons(face) };
}

/** A new header is posted without link previews, so the ✅ links stay one line each. */
export function headerBody(view: DraftView): RESTPostAPIChannelMessageJSONBody {
  return { ...headerMessage(currentFace(view)), flags: MessageFlags.SuppressEmbeds };
}

/**
 * What follows the header, for the platforms the statement reaches: the Discord post exactly as
 * it will be sent (one message per part), then the Telegram text and the X thread as plain text, each labelled.
 */
export function statementBodies(view: DraftView): RESTPostAPIChannelMessageJSONBody[] {
  const reaches = (p: string) => view.platforms.some((s) => s.platform === p);
  const telegram = view.rendered.telegram.map((p) => p.text).join('\n\n— next message —\n\n');
  const tCount = view.rendered.telegram.length;
  const xCount = view.rendered.x.length;
  const bodies: RESTPostAPIChannelMessageJSONBody[] = [];
  if (reaches('discord')) bodies.push(...view.rendered.discord.map((content) => ({ content })));
  if (reaches('telegram')) bodies.push(...codeBlocks(`**Telegram** (${tCount === 1 ? '1 message' : `${tCount} messages`}; formatting shown as plain text):`, telegram).map((content) => ({ content })));
  if (reaches('x')) {
    if (xCount === 0) bodies.push({ content: '**X**: unchanged, nothing posted.' });
    else bodies.push(...codeBlocks(`**X** (${xCount === 1 ? '1 post' : `thread of ${xCount} posts`}):`, xThreadText(view)).map((content) => ({ content, flags: MessageFlags.SuppressEmbeds })));
  }
  return bodies;
}

/** A plain reply, split to fit. */
export const textBodies = (text: string): RESTPostAPIChannelMessageJSONBody[] => splitText(text).map((content) => ({ content }));
