import Handlebars from 'handlebars';
import type { SiteIncident, SiteModel, SiteUpdate } from './model';
import { VERIFY_BODY } from './verify-page';

/**
 * The status site's HTML: static, readable without JavaScript, small (one inline stylesheet),
 * and accessible (landmarks, headings in order, real <time> elements, text contrast above 7:1).
 * Handlebars escapes every value, so a statement's text can never become markup here.
 */

const hb = Handlebars.create();
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
hb.registerHelper('when', (iso: string) => new hb.SafeString(`<time datetime="${hb.escapeExpression(iso)}">${hb.escapeExpression(when(iso))}</time>`));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('platform', (p: string) => ({ discord: 'Discord', telegram: 'Telegram', x: 'X' })[p] ?? p);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:1rem;color:#111;background:#fff}
a{color:#0645ad}h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}
.update{border-left:4px solid #555;padding:.25rem 1rem;margin:1rem 0}.text{white-space:pre-wrap}
.overdue{color:#8b0000;font-weight:bold}.old{color:#444}details{margin-top:.5rem}code{word-break:break-all;font-size:.85rem}
footer{margin-top:3rem;font-size:.9rem;color:#333}.banner{border:3px solid #8b0000;background:#fff4f4;color:#5c0000;padding:.5rem 1rem;margin:1rem 0}`;

hb.registerPartial(
  'update',
  `<article class="update" id="update-{{id}}">
<h3>{{#if (eq kind "correction")}}Correction{{else if (eq kind "retraction")}}Retraction{{else}}Statement{{/if}} · {{when at}}{{#unless current}} <span class="old">(since replaced)</span>{{/unless}}</h3>
<p class="text">{{text}}</p>
{{#if reason}}<p>Why: {{reason}}</p>{{/if}}
{{#if signatures.length}}<details><summary>Signatures ({{signatures.length}})</summary><ul>
{{#each signatures}}<li>{{platform platform}} ({{target}}, {{form}} text), posted {{when postedAt}}, key <code>{{keyId}}</code>: <code>{{signature}}</code></li>
{{/each}}</ul><p>Check a copy on <a href="{{@root.up}}verify.html">verify.html</a> or with <code>herald verify --site</code>; the signed texts are in <a href="{{@root.up}}statements.json">statements.json</a>.</p></details>{{/if}}
</article>`,
);

const layout = (body: string) =>
  hb.compile(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{title}}</title><style>${STYLE}</style>
<link rel="alternate" type="application/atom+xml" title="Atom feed" href="{{up}}feed.atom">
<link rel="alternate" type="application/rss+xml" title="RSS feed" href="{{up}}feed.rss">
<link rel="alternate" type="application/feed+json" title="JSON Feed" href="{{up}}feed.json">
</head><body>
<header><p><a href="{{up}}index.html">{{org.name}} status</a></p></header>
{{#if compromised.length}}<aside class="banner" aria-label="Channels not to trust">{{#each compromised}}
<p><strong>Do not trust {{channel}}.</strong> It has been compromised since {{when since}}: {{what}}. Nothing herald publishes goes there until it is ours again; trust what this page says, and check a statement on <a href="{{@root.up}}verify.html">verify.html</a>.</p>
{{/each}}</aside>{{/if}}
<main>
${body}
</main>
<footer><p>Feeds: <a href="{{up}}feed.atom">Atom</a>, <a href="{{up}}feed.rss">RSS</a>, <a href="{{up}}feed.json">JSON Feed</a>. API: <a href="{{up}}api/v2/summary.json">summary.json</a>, <a href="{{up}}api/v2/incidents.json">incidents.json</a>.
Statements are signed with the key in <a href="{{up}}.well-known/herald.json">.well-known/herald.json</a>: <a href="{{up}}verify.html">check a statement</a>. Built {{when generatedAt}}.</p></footer>
</body></html>
`);

const indexPage = layout(`<h1>{{org.name}} status</h1>
<section aria-labelledby="open"><h2 id="open">Open incidents</h2>
{{#each open}}<h3><a href="incidents/{{id}}.html">{{title}}</a>{{#if severity}} ({{severity}}){{/if}}</h3>
<p>Open since {{when openedAt}}.{{#if nextUpdate}} Next update by {{when nextUpdate.dueAt}}{{#if nextUpdate.overdue}} — <span class="overdue">overdue</span>{{/if}}.{{/if}}</p>
{{#with latest}}{{> update}}{{/with}}
{{else}}<p>No open incidents.</p>{{/each}}
</section>
<section aria-labelledby="history"><h2 id="history">History</h2>
{{#if history.length}}<ul>{{#each history}}<li><a href="incidents/{{id}}.html">{{title}}</a>, {{when openedAt}}{{#if closedAt}} to {{when closedAt}}{{/if}}</li>{{/each}}</ul>{{else}}<p>No past incidents.</p>{{/if}}
{{#if notices.length}}<h3>Other notices</h3>{{#each notices}}{{> update}}{{/each}}{{/if}}
</section>`);

const incidentPage = layout(`<h1>{{incident.title}}</h1>
<p>{{#if incident.open}}Open since {{when incident.openedAt}}.{{#if incident.nextUpdate}} Next update by {{when incident.nextUpdate.dueAt}}{{#if incident.nextUpdate.overdue}} — <span class="overdue">overdue</span>{{/if}}.{{/if}}{{else}}Resolved {{#if incident.closedAt}}{{when incident.closedAt}}{{/if}} (opened {{when incident.openedAt}}).{{/if}}</p>
<section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
{{#each incident.updates}}{{> update}}{{/each}}
</section>`);

const latestOf = (i: SiteIncident): SiteUpdate | undefined => [...i.updates].reverse().find((u) => u.current && u.kind !== 'retraction') ?? i.updates.at(-1);

export function indexHtml(model: SiteModel): string {
  const open = model.incidents.filter((i) => i.open).map((i) => ({ ...i, latest: latestOf(i) }));
  return indexPage({ ...model, title: `${model.org.name} status`, up: '', open, history: model.incidents.filter((i) => !i.open) });
}

export function incidentHtml(model: SiteModel, incident: SiteIncident): string {
  return incidentPage({ ...model, title: `${incident.title} · ${model.org.name} status`, up: '../', incident });
}

const verifyPage = layout('{{{body}}}');

export function verifyHtml(model: SiteModel): string {
  return verifyPage({ ...model, title: `Check a statement · ${model.org.name} status`, up: '', body: VERIFY_BODY });
}
