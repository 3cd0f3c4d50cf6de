// Rendering helpers for the sandbox console. Every piece of message text goes into the page
// through textContent (via el()), never as HTML: statements, variables and names are user data.

/** document.createElement with attributes and children; strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

export function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

const PALETTE = ['#e67e22', '#3498db', '#9b59b6', '#16a085', '#c0392b', '#2c3e50', '#d35400'];
export function avatar(name, extra = '') {
  const hue = [...name].reduce((a, c) => a + c.charCodeAt(0), 0) % PALETTE.length;
  const a = el('span', { class: `avatar ${extra}`, 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase());
  a.style.background = name === 'herald' ? '#111827' : PALETTE[hue];
  return a;
}

const URL_RE = /https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/g;

/** Plain text with URLs, @mentions and #hashtags picked out, as X and Telegram show them. */
export function linkify(text, cls = 'link') {
  const out = [];
  const re = /(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|(@\w{1,32})|(#\w+)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(el('span', { class: cls, title: m[1] ? m[0] : undefined }, m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

// ---- Discord Markdown (the subset herald sends) ----

const INLINE = [
  // Discord's escapes (herald escapes Markdown characters in values): \[ shows as [.
  { re: /\\([\\`*_~|>\[\]()#<:-])/, tag: 'escape' },
  { re: /\*\*([\s\S]+?)\*\*/, tag: 'strong' },
  { re: /__([\s\S]+?)__/, tag: 'u' },
  { re: /~~([\s\S]+?)~~/, tag: 's' },
  { re: /(?<![\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/, tag: 'em' },
  { re: /(?<!\w)_(?!\s)([^_\n]+?)_(?!\w)/, tag: 'em' },
  { re: /`([^`\n]+)`/, tag: 'code', literal: true },
  { re: /\[([^\]\n]+)\]\(<?(https?:\/\/[^\s>)]+)>?\)/, tag: 'masked' },
  { re: /<(https?:\/\/[^\s>]+)>/, tag: 'link' },
  { re: URL_RE, tag: 'link' },
  { re: /@(everyone|here)\b/, tag: 'mention' },
];

function inline(text) {
  const out = [];
  let rest = text;
  while (rest) {
    let best = null;
    for (const rule of INLINE) {
      const re = new RegExp(rule.re.source, rule.re.flags.replace('g', ''));
      const m = re.exec(rest);
      if (m && (!best || m.index < best.m.index)) best = { m, rule };
    }
    if (!best) {
      out.push(rest);
      break;
    }
    const { m, rule } = best;
    if (m.index > 0) out.push(rest.slice(0, m.index));
    if (rule.tag === 'escape') out.push(m[1]);
    else if (rule.tag === 'link') out.push(el('span', { class: 'link', title: m[1] ?? m[0] }, m[1] ?? m[0]));
    else if (rule.tag === 'masked') out.push(el('span', { class: 'link', title: m[2] }, ...inline(m[1])));
    else if (rule.tag === 'mention') out.push(el('span', { class: 'mention' }, m[0]));
    else if (rule.literal) out.push(el(rule.tag, {}, m[1]));
    else out.push(el(rule.tag, {}, ...inline(m[1])));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

/** Discord message content: code blocks, quotes, headings, lists and inline formatting. */
export function discordMarkdown(content) {
  const root = el('div', { class: 'md' });
  const parts = content.split(/```(?:[a-z]*\n)?/);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      root.append(el('pre', {}, part.replace(/\n$/, '')));
      return;
    }
    const lines = part.replace(/^\n|\n$/g, '').split('\n');
    if (part === '' || (lines.length === 1 && lines[0] === '')) return;
    for (const line of lines) {
      let m;
      if ((m = /^(#{1,3}) (.*)$/.exec(line))) root.append(el('div', { class: `h${m[1].length}` }, ...inline(m[2])));
      else if ((m = /^> ?(.*)$/.exec(line))) root.append(el('div', { class: 'quote' }, ...inline(m[1])));
      else if ((m = /^[-*] (.*)$/.exec(line))) root.append(el('div', { class: 'li' }, '• ', ...inline(m[1])));
      else if (line === '') root.append(el('div', { class: 'gap' }));
      else root.append(el('div', {}, ...inline(line)));
    }
  });
  return root;
}

// ---- Telegram message entities ----

const ENTITY_TAG = { bold: 'strong', italic: 'em', underline: 'u', strikethrough: 's', code: 'code', spoiler: 'span' };

/** Telegram text with its entities (offsets in UTF-16 code units, as JavaScript strings count). */
export function telegramText(text, entities = []) {
  const root = el('div', { class: 'tg-text' });
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(e.offset);
    cuts.add(e.offset + e.length);
  }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const pre = entities.filter((e) => e.type === 'pre');
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const active = entities.filter((e) => e.offset <= from && e.offset + e.length >= to);
    let node = document.createTextNode(text.slice(from, to));
    for (const e of active) {
      if (ENTITY_TAG[e.type]) node = el(ENTITY_TAG[e.type], { class: e.type === 'spoiler' ? 'spoiler' : undefined }, node);
      else if (e.type === 'url' || e.type === 'text_link' || e.type === 'mention' || e.type === 'hashtag' || e.type === 'text_mention')
        node = el('span', { class: 'link', title: e.url ?? undefined }, node);
    }
    if (pre.some((e) => e.offset <= from && e.offset + e.length >= to)) node = el('code', { class: 'pre' }, node);
    root.append(node);
  }
  return root;
}
