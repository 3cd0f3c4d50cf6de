// One Discord message and one Telegram message as their clients draw them, with the controls
// the person acting may use. The page passes `ctx`: who is acting, how to post an action, and
// what a Telegram "Reply" does, so these renderers hold no state of their own.
import { avatar, discordMarkdown, el, telegramText, time } from './render.js';

const quoteOf = (text) => text.slice(0, 90);

function discordControls(m, ctx, { where, menus }) {
  if (!where || m.deleted) return [];
  const notice = `discord-${where}`;
  const send = (path, body) => ctx.post(path, { user: ctx.acting(), messageId: m.id, where, ...body }, notice);
  const buttons = m.buttons.length
    ? el(
        'div',
        { class: 'dbuttons' },
        ...m.buttons.map((b) =>
          el('button', { type: 'button', class: `dbtn s${b.style}`, disabled: b.disabled, dataset: { customId: b.customId }, onclick: () => send('/api/discord/button', { customId: b.customId }) }, b.label),
        ),
      )
    : null;
  const selects = m.selects.map((s) =>
    el(
      'select',
      { class: 'dselect', dataset: { customId: s.customId }, 'aria-label': s.placeholder || 'Choose', onchange: (e) => send('/api/discord/select', { customId: s.customId, values: [e.target.value] }) },
      el('option', { value: '', disabled: true, selected: true }, s.placeholder || 'Choose'),
      ...s.options.map((o) => el('option', { value: o.value, title: o.description }, o.label)),
    ),
  );
  // A member's message offers the app's message menu (right-click → Apps in Discord).
  const apps =
    !m.bot && !m.ephemeralFor && menus?.length
      ? el(
          'div',
          { class: 'dapps' },
          el('span', { class: 'apps-label' }, 'Apps ▸'),
          ...menus.map((name) => el('button', { type: 'button', class: 'dmenu', dataset: { menu: name }, onclick: () => send('/api/discord/menu', { name }) }, name)),
        )
      : null;
  return [buttons, ...selects, apps];
}

/**
 * options.where: the chat whose controls work here ('comms' or 'community'); options.byId: its
 * messages, for quoted replies; options.menus: the app's message-menu commands offered on members' messages.
 */
export function discordMessage(m, ctx, options = {}) {
  if (m.system) {
    return el('div', { class: 'dsys' }, '📌 ', el('strong', {}, m.author), ` ${m.system}`, el('time', {}, time(m.at)));
  }
  const badges = [
    m.bot && el('span', { class: 'tag' }, 'APP'),
    el('time', {}, time(m.at)),
    m.pinned && el('span', { class: 'flag' }, '📌 pinned'),
    m.crossposted && el('span', { class: 'flag' }, 'published to followers'),
    m.edited && !m.deleted && el('span', { class: 'flag muted' }, '(edited)'),
  ];
  const body = m.deleted
    ? el('div', { class: 'deleted' }, 'This message was deleted.')
    : m.loading
      ? el('div', { class: 'thinking' }, 'herald is thinking…')
      : discordMarkdown(m.content);
  const quoted = m.replyTo ? options.byId?.get(m.replyTo) : undefined;
  const reply = m.replyTo && el('div', { class: 'dreply', dataset: { replyTo: m.replyTo } }, '↱ ', el('strong', {}, quoted?.author ?? 'a message'), quoted && ` ${quoteOf(quoted.content)}`);
  return el(
    'article',
    { class: `dmsg${m.ephemeralFor ? ' ephemeral' : ''}${m.mentionsEveryone ? ' everyone' : ''}`, dataset: { id: m.id } },
    avatar(m.author),
    el(
      'div',
      { class: 'body' },
      reply,
      el('div', { class: 'meta' }, el('span', { class: `author${m.bot ? ' bot' : ''}` }, m.author), ...badges),
      body,
      ...discordControls(m, ctx, options),
      m.ephemeralFor && el('div', { class: 'only' }, `👁 Only ${m.ephemeralFor} can see this`),
    ),
  );
}

/** where: the chat this message is in when the person may act on it ('comms' or 'community'), else null. */
export function telegramMessage(m, byId, ctx, where, pinnedBy = 'herald') {
  if (m.service) {
    const pinned = byId.get(m.pinnedMessageId);
    const what = pinned ? `“${pinned.text.slice(0, 40)}${pinned.text.length > 40 ? '…' : ''}”` : 'a message';
    return el('div', { class: 'tsys' }, el('span', {}, `${pinnedBy} pinned ${what}`));
  }
  const mine = where && m.from === ctx.acting();
  const quoted = m.replyTo !== null ? byId.get(m.replyTo) : undefined;
  const keyboard =
    where && m.buttons.length
      ? el(
          'div',
          { class: 'keyboard' },
          ...m.buttons.map((b) =>
            el('button', { type: 'button', dataset: { data: b.data }, onclick: () => ctx.post('/api/telegram/button', { user: ctx.acting(), messageId: m.id, data: b.data }, `telegram-${where}`) }, b.text),
          ),
        )
      : null;
  return el(
    'article',
    { class: `tmsg${m.bot ? ' bot' : ''}${mine ? ' mine' : ''}`, dataset: { id: String(m.id), ...(m.replyTo !== null ? { replyTo: String(m.replyTo) } : {}) } },
    el(
      'div',
      { class: 'bubble' },
      !mine && el('div', { class: `from${m.bot ? ' bot' : ''}` }, m.from),
      quoted && el('div', { class: 'quote' }, el('strong', {}, quoted.from), el('span', {}, quoteOf(quoted.text))),
      telegramText(m.text, m.entities),
      el(
        'div',
        { class: 'meta' },
        m.pinned && '📌 ',
        m.edited && 'edited ',
        time(m.at),
        where && el('button', { type: 'button', class: `reply${m.forceReply ? ' prompt' : ''}`, onclick: () => ctx.replyTo(where, m) }, 'Reply'),
      ),
    ),
    keyboard,
  );
}
