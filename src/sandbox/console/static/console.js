import { avatar, el, linkify, time } from './render.js';
import { discordMessage, telegramMessage } from './messages.js';

const PLATFORM_NAME = { discord: 'Discord', telegram: 'Telegram', x: 'X' };
const MODE_LABEL = { normal: 'Normal', slow: 'Slow', 'rate-limited': 'Rate-limited', down: 'Down' };
const MODE_HINT = {
  normal: 'answers at once',
  slow: 'every post and edit takes 2 s longer',
  'rate-limited': 'posts where statements go are answered 429, retry after 5 s',
  down: 'the whole platform is unreachable, comms included',
};

const $ = (selector, root = document) => root.querySelector(selector);
let state = null;
let acting = 'alice';
/** Per Telegram chat, the message the next message there replies to (a ForceReply prompt, or one picked). */
const replyTo = { comms: null, community: null };
/** The public column's tab shown per platform: its announcements, or its community chat. */
const tabs = { discord: 'announcements', telegram: 'channel' };
const promptsSeen = new Set();
const lastKeys = new Map();

// ---- talking to the sandbox ----

async function post(path, body, where) {
  try {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.ok) return true;
    const answer = await res.json().catch(() => ({ error: res.statusText }));
    notice(where, answer.error ?? `The sandbox answered ${res.status}.`);
  } catch {
    notice(where, 'The sandbox is not reachable; is herald still running?');
  }
  return false;
}

function notice(where, text) {
  const box = $(`[data-notice="${where}"]`);
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => (box.hidden = true), 9000);
}

function connect() {
  const conn = $('#conn');
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'conn live';
  });
  events.addEventListener('error', () => {
    conn.textContent = 'reconnecting…';
    conn.className = 'conn lost';
  });
  events.addEventListener('state', (e) => {
    state = JSON.parse(e.data);
    render();
  });
}

// ---- rendering ----

/** The newest message in a feed that carries buttons: the preview the team acts on. */
const newestWithButtons = (container) => [...container.children].filter((c) => c.querySelector('.dbuttons, .keyboard')).at(-1);

/**
 * Re-renders a region only when what it shows changed, keeping the reader's scroll position. A
 * reader at the bottom, or looking at the newest preview, follows along; a new preview is shown
 * from its top, where its buttons are, rather than scrolled past under a long statement.
 */
function update(key, container, data, build) {
  const json = JSON.stringify(data);
  if (lastKeys.get(key) === json) return;
  lastKeys.set(key, json);
  const box = container.getBoundingClientRect();
  const before = newestWithButtons(container)?.getBoundingClientRect();
  const following = container.scrollHeight - container.scrollTop - container.clientHeight < 40 || (before && before.top >= box.top - 1 && before.top < box.bottom);
  container.replaceChildren(...build());
  if (!following || container.dataset.newestFirst) return;
  container.scrollTop = container.scrollHeight;
  const preview = newestWithButtons(container);
  const offset = preview ? preview.getBoundingClientRect().top - container.getBoundingClientRect().top : 0;
  if (offset < 0) container.scrollTop += offset - 8;
}

/** The walk's next line: the exploit statement, then its holding update, then the resolution. */
function nextStep() {
  const drafted = (template) => state.drafts.some((d) => d.templateId === template);
  if (!drafted('sev1/exploit-investigating')) return state.try.first;
  return drafted('sev1/holding') ? state.try.resolve : state.try.hold;
}

function render() {
  $('#try-text').textContent = nextStep();
  $('#try .try-label').textContent = state.drafts.length ? 'Try next' : 'Try first';
  $('#drill').hidden = !state.drill;
  if (state.drill) $('#drill').textContent = state.drill;
  renderPeople();
  renderFaultStates();
  update('dc', $('[data-feed="discord-comms"]'), [state.discord.comms, acting], discordComms);
  update('tc', $('[data-feed="telegram-comms"]'), [state.telegram.comms, acting], telegramComms);
  update('da', $('[data-feed="discord-announcements"]'), state.discord.announcements, () => discordFeed(state.discord.announcements.messages, 'Statements herald broadcasts appear here.'));
  update('dcm', $('[data-feed="discord-community"]'), [state.discord.community, acting], discordCommunity);
  update('tch', $('[data-feed="telegram-channel"]'), state.telegram.channel, telegramChannel);
  update('tcm', $('[data-feed="telegram-community"]'), [state.telegram.community, acting], telegramCommunity);
  renderTabs();
  renderClock();
  update('x', $('[data-feed="x"]'), state.x, xTimeline);
  update('drafts', $('#drafts'), state.drafts, drafts);
  update('faults', $('#faults'), state.faults, faults);
  renderModal();
  renderReplying();
  $('[data-composer="discord"] input').placeholder = `Message #comms-private as ${acting} — try /help`;
  $('[data-composer="telegram"] input').placeholder = `Write as ${acting} — try /help`;
  $('[data-composer="discord-community"] input').placeholder = `Message #community as ${acting}`;
  $('[data-composer="telegram-community"] input').placeholder = `Write as ${acting}; a moderator replies /faq funds-safe`;
}

/** What the message renderers may do: act as the person picked, post, open a Telegram reply. */
const ctx = {
  acting: () => acting,
  post,
  replyTo(chat, m) {
    replyTo[chat] = { id: m.id, text: m.text };
    renderReplying();
    $(`[data-composer="${chat === 'comms' ? 'telegram' : 'telegram-community'}"] input`).focus();
  },
};

/** A tab with news the reader has not seen shows how many messages came since they last looked. */
const seenCount = new Map();
function renderTabs() {
  const counts = { 'discord-announcements': state.discord.announcements.messages.length, 'discord-community': state.discord.community.messages.length, 'telegram-channel': state.telegram.channel.messages.length, 'telegram-community': state.telegram.community.messages.length };
  for (const button of document.querySelectorAll('[data-tab]')) {
    const [platform, tab] = button.dataset.tab.split(':');
    const key = `${platform}-${tab}`;
    const on = tabs[platform] === tab;
    if (on || !seenCount.has(key)) seenCount.set(key, counts[key]);
    button.setAttribute('aria-selected', on ? 'true' : 'false');
    const unread = counts[key] - seenCount.get(key);
    button.querySelector('.unread').textContent = unread > 0 ? String(unread) : '';
    $(`[data-pane="${key}"]`).hidden = !on;
  }
}

function showTab(platform, tab) {
  tabs[platform] = tab;
  renderTabs();
  const feed = $(`[data-feed="${platform}-${tab}"]`);
  feed.scrollTop = feed.scrollHeight;
}

/** Sandbox time when it runs fast, ticking on in the page between updates. */
function renderClock() {
  const box = $('#clock');
  box.hidden = !state.clock;
  if (!state.clock) return;
  const { factor, now, at } = state.clock;
  const t = new Date(now + (Date.now() - at) * factor);
  box.textContent = `⏩ ${factor}× · ${t.toISOString().slice(11, 19)} UTC`;
  box.title = `Sandbox time runs ${factor} times faster: promises come due and reminders arrive ${factor} times sooner.`;
}

function renderPeople() {
  const box = $('#people');
  const key = JSON.stringify([state.people, acting]);
  if (lastKeys.get('people') === key) return;
  lastKeys.set('people', key);
  box.replaceChildren(
    ...state.people.map((p) =>
      el(
        'button',
        {
          type: 'button',
          role: 'radio',
          class: `person${p.name === acting ? ' on' : ''}`,
          'aria-checked': p.name === acting ? 'true' : 'false',
          dataset: { user: p.name },
          title: `Discord ${p.discord} · Telegram ${p.telegram}`,
          onclick: () => {
            acting = p.name;
            render();
          },
        },
        avatar(p.name, 'small'),
        el('span', { class: 'pname' }, p.name),
        el('span', { class: `role ${p.role.replace(' ', '-')}` }, p.role),
      ),
    ),
  );
}

function renderFaultStates() {
  for (const badge of document.querySelectorAll('[data-fault-state]')) {
    const mode = state.faults[badge.dataset.faultState];
    badge.textContent = mode === 'normal' ? '' : MODE_LABEL[mode];
    badge.className = `fault-state ${mode}`;
  }
}

function empty(text) {
  return [el('div', { class: 'empty' }, text)];
}

function discordFeed(messages, emptyText) {
  return messages.length ? messages.map((m) => discordMessage(m, ctx)) : empty(emptyText);
}

/** A chat people write in: their messages, herald's answers, and the slash commands used, in order. */
function discordChat(chat, where, menus = []) {
  const { messages, used } = chat;
  const byId = new Map(messages.map((m) => [m.id, m]));
  const items = [...used.map((u) => ({ at: u.at, used: u })), ...messages.map((m) => ({ at: m.at, m }))].sort((a, b) => a.at - b.at || (a.used ? -1 : 1));
  return items.map((i) =>
    i.used
      ? el('div', { class: 'used' }, '↳ ', el('strong', {}, i.used.user), ' used ', el('code', {}, i.used.text))
      : discordMessage(i.m, ctx, { where, byId, menus }),
  );
}

function discordComms() {
  const chat = state.discord.comms;
  if (!chat.messages.length && !chat.used.length) return [welcome()];
  return discordChat(chat, 'comms');
}

function discordCommunity() {
  const chat = state.discord.community;
  if (!chat.messages.length && !chat.used.length) return empty('The public #community channel. As mallory, ask “are my funds safe?”; then as dave (moderator) use Apps ▸ Answer with FAQ on her message.');
  return discordChat(chat, 'community', chat.menus);
}

function welcome() {
  return el(
    'div',
    { class: 'welcome' },
    el('div', { class: 'h' }, 'Welcome to the herald sandbox'),
    el('p', {}, 'Local copies of Discord, Telegram and X run on this machine; herald is connected to them as it would be to the real ones.'),
    el(
      'ol',
      {},
      el('li', {}, 'As alice (drafter), draft the exploit statement (below).'),
      el('li', {}, 'As bob, then carol (approvers), press Approve; watch it go out to every channel on the right.'),
      el('li', {}, state.clock ? `Sandbox time runs ${state.clock.factor}× faster: herald’s reminder of the promised update arrives in about ${Math.round(900 / state.clock.factor)} s.` : 'herald reminds this channel 15 minutes before the promised update (start with --fast-clock to see it sooner).'),
      el('li', {}, 'Keep the promise with /hold, then resolve the incident: the “Try next” button at the top has each line.'),
    ),
    el('button', { type: 'button', class: 'fill', onclick: () => fill(state.try.first) }, state.try.first),
  );
}

/** Puts a line of the walk in alice's Discord composer, for her to send. */
function fill(text) {
  acting = 'alice';
  const input = $('[data-composer="discord"] input');
  input.value = text;
  input.focus();
  render();
}

function telegramComms() {
  const messages = state.telegram.comms.messages;
  // A new ForceReply prompt to the person acting: Telegram opens the reply for them.
  for (const m of messages) {
    if (m.forceReply && !promptsSeen.has(m.id)) {
      promptsSeen.add(m.id);
      if (!m.deleted) replyTo.comms = { id: m.id, text: m.text };
    }
  }
  if (!messages.length) return empty('Telegram commands work here too: /help, /templates, /draft …');
  const byId = new Map(messages.map((m) => [m.id, m]));
  return messages.filter((m) => !m.deleted).map((m) => telegramMessage(m, byId, ctx, 'comms'));
}

function telegramCommunity() {
  const messages = state.telegram.community.messages;
  if (!messages.length) return empty('The public Acme community group. As mallory, ask “are my funds safe?”; then as dave (moderator) Reply to her with /faq funds-safe.');
  const byId = new Map(messages.map((m) => [m.id, m]));
  return messages.filter((m) => !m.deleted).map((m) => telegramMessage(m, byId, ctx, 'community'));
}

function telegramChannel() {
  const messages = state.telegram.channel.messages;
  if (!messages.length) return empty('Statements herald broadcasts appear here.');
  const byId = new Map(messages.map((m) => [m.id, m]));
  return messages.map((m) => {
    if (m.deleted && !m.service) return el('div', { class: 'tsys' }, el('span', {}, 'A post was deleted'));
    const node = telegramMessage({ ...m, from: state.telegram.channel.name }, byId, ctx, null, state.telegram.channel.name);
    node.classList.add('channel-post');
    return node;
  });
}

function xPost(p, isReply, hasNext) {
  return el(
    'article',
    { class: `xpost${isReply ? ' reply' : ''}${hasNext ? ' continues' : ''}`, dataset: { id: p.id } },
    el('div', { class: 'rail' }, avatar(state.x.name, 'x-av')),
    el(
      'div',
      { class: 'body' },
      el('div', { class: 'meta' }, el('strong', {}, state.x.name), el('span', { class: 'verified', title: 'Verified organisation' }, '✓'), el('span', { class: 'muted' }, `@${state.x.handle} · ${time(p.at)}`)),
      p.deleted ? el('div', { class: 'deleted' }, 'This post was deleted.') : el('div', { class: 'xtext' }, ...linkify(p.text)),
    ),
  );
}

function xTimeline() {
  const roots = state.x.timeline;
  if (!roots.length) return empty('Posts and threads herald publishes on X appear here.');
  // Newest thread first, each thread read top to bottom, as X shows a thread.
  return [...roots].reverse().map((root) => {
    const chain = [];
    const walk = (node) => {
      chain.push(node);
      node.replies.forEach(walk);
    };
    walk(root);
    return el(
      'div',
      { class: 'xthread', dataset: { posts: String(chain.length) } },
      chain.length > 1 && el('div', { class: 'thread-label' }, `Thread · ${chain.length} posts`),
      ...chain.map((p, i) => xPost(p, i > 0, i < chain.length - 1)),
    );
  });
}

function drafts() {
  if (!state.drafts.length) return empty('No drafts yet. Drafts, approvals and each delivery’s state show up here.');
  return state.drafts.map((d) =>
    el(
      'article',
      { class: `draft ${d.status}`, dataset: { draft: String(d.id) } },
      el('header', {}, el('strong', {}, `#${d.id}`), el('span', { class: 'tpl' }, d.templateId), el('span', { class: `status ${d.status}` }, d.statusText)),
      el('div', { class: 'sub' }, `${d.title} · revision ${d.revision}`, d.approvals && ` · approvals ${d.approvals.names.length} of ${d.approvals.need}${d.approvals.names.length ? ` (${d.approvals.names.join(', ')})` : ''}`),
      d.deliveries.length
        ? el(
            'ul',
            { class: 'dlist' },
            ...d.deliveries.map((x) =>
              el(
                'li',
                { 'data-testid': 'delivery', dataset: { target: x.targetId, platform: x.platform, status: x.status }, title: x.link ?? x.detail },
                el('span', { class: 'icon' }, x.icon),
                el('span', { class: 'target' }, x.targetId),
                el('span', { class: 'detail' }, x.status === 'sent' ? (x.attempts > 1 ? `sent after ${x.attempts} attempts` : 'sent') : x.detail),
              ),
            ),
          )
        : el('div', { class: 'waiting' }, d.approvals ? 'Waiting for approval; nothing has been sent.' : 'Nothing was sent.'),
    ),
  );
}

function faults() {
  return Object.entries(state.faults).map(([platform, mode]) =>
    el(
      'div',
      { class: 'fault-row', dataset: { fault: platform } },
      el('span', { class: 'pname' }, PLATFORM_NAME[platform]),
      el(
        'div',
        { class: 'seg', role: 'group', 'aria-label': `${PLATFORM_NAME[platform]} state` },
        ...Object.keys(MODE_LABEL).map((m) =>
          el(
            'button',
            {
              type: 'button',
              class: `${m}${m === mode ? ' on' : ''}`,
              'aria-pressed': m === mode ? 'true' : 'false',
              dataset: { mode: m },
              title: MODE_HINT[m],
              onclick: () => post('/api/faults', { platform, mode: m }, 'faults'),
            },
            MODE_LABEL[m],
          ),
        ),
      ),
    ),
  );
}

let modalShown = null;
function renderModal() {
  const modal = state.modals[0];
  const box = $('#modal');
  if (!modal) {
    box.hidden = true;
    modalShown = null;
    return;
  }
  if (modalShown === modal.interactionId) return;
  modalShown = modal.interactionId;
  $('#modal-title').textContent = modal.title;
  $('#modal-for').textContent = `Shown to ${modal.user} in Discord`;
  $('#modal-fields').replaceChildren(
    ...modal.fields.map((f) =>
      el(
        'label',
        { class: 'field' },
        el('span', { class: 'flabel' }, f.label, f.required && el('span', { class: 'req' }, ' *')),
        f.description && el('span', { class: 'fdesc' }, f.description),
        el(f.paragraph ? 'textarea' : 'input', { name: f.id, placeholder: f.placeholder || undefined, required: f.required, rows: f.paragraph ? 3 : undefined }),
      ),
    ),
  );
  box.hidden = false;
  $('#modal-fields input, #modal-fields textarea')?.focus();
}

function renderReplying() {
  for (const box of document.querySelectorAll('[data-replying]')) {
    const r = replyTo[box.dataset.replying];
    box.hidden = !r;
    if (r) box.querySelector('.replying-text').textContent = `Replying to: ${r.text.slice(0, 80)}`;
  }
}

// ---- wiring ----

/** A composer's line goes out on Enter; it empties once the sandbox took it (a refusal keeps it, with a notice). */
function onSend(composer, send) {
  $(`[data-composer="${composer}"]`).addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = e.target.elements.text;
    const text = input.value.trim();
    if (text && (await send(text))) input.value = '';
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('#try').addEventListener('click', () => state && fill(nextStep()));
  for (const [composer, where] of [['discord', 'comms'], ['discord-community', 'community']]) {
    onSend(composer, (text) => post('/api/discord/command', { user: acting, text, where }, `discord-${where}`));
  }
  for (const [composer, where] of [['telegram', 'comms'], ['telegram-community', 'community']]) {
    onSend(composer, async (text) => {
      const sent = await post('/api/telegram/message', { user: acting, text, where, ...(replyTo[where] ? { replyTo: replyTo[where].id } : {}) }, `telegram-${where}`);
      if (sent) {
        replyTo[where] = null;
        renderReplying();
      }
      return sent;
    });
  }
  for (const box of document.querySelectorAll('[data-replying]')) {
    box.querySelector('.replying-cancel').addEventListener('click', () => {
      replyTo[box.dataset.replying] = null;
      renderReplying();
    });
  }
  for (const button of document.querySelectorAll('[data-tab]')) {
    const [platform, tab] = button.dataset.tab.split(':');
    button.addEventListener('click', () => showTab(platform, tab));
  }
  setInterval(() => state?.clock && renderClock(), 1000);
  $('#modal-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const modal = state.modals[0];
    if (!modal) return;
    const fields = Object.fromEntries(modal.fields.map((f) => [f.id, e.target.elements[f.id].value]));
    await post('/api/discord/modal', { interactionId: modal.interactionId, fields }, 'discord-comms');
  });
  $('#modal-cancel').addEventListener('click', () => {
    const modal = state.modals[0];
    if (modal) post('/api/discord/modal', { interactionId: modal.interactionId, fields: null }, 'discord-comms');
  });
  connect();
});
