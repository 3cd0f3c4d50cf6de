import { Feed } from 'feed';
import type { SiteModel, SiteUpdate } from './model';
import { warningText } from './statuspage';
import { byText } from '../util/order';

const KIND_TITLE = { statement: 'Statement', correction: 'Correction', retraction: 'Retraction' } as const;

/**
 * Every public update, newest first, as Atom and RSS 2.0 by the maintained `feed` generator, and
 * as JSON Feed 1.1 built here: `feed` writes JSON Feed 1.0 (no `authors`, `content_html` of the
 * raw text), and 1.1 is a few documented fields (https://www.jsonfeed.org/version/1.1/).
 */
export function feeds(model: SiteModel): { atom: string; rss: string; json: string } {
  const base = model.org.url.replace(/\/$/, '');
  const description = `Incident statements from ${model.org.name}, each signed by herald (see /.well-known/herald.json)${warningText(model)}`;
  const feed = new Feed({
    id: `${base}/`,
    title: `${model.org.name} status`,
    description,
    link: `${base}/`,
    language: 'en',
    updated: new Date(model.generatedAt),
    generator: 'herald',
    copyright: model.org.name,
    feedLinks: { atom: `${base}/feed.atom`, rss: `${base}/feed.rss`, json: `${base}/feed.json` },
  });
  const items: Array<{ u: SiteUpdate; title: string; link: string }> = [
    ...model.incidents.flatMap((i) => i.updates.map((u) => ({ u, title: `${KIND_TITLE[u.kind]}: ${i.title}`, link: `${base}/incidents/${i.id}.html#update-${u.id}` }))),
    ...model.notices.map((u) => ({ u, title: `${KIND_TITLE[u.kind]}: ${u.templateId}`, link: `${base}/#update-${u.id}` })),
  ].sort((a, b) => byText(b.u.at, a.u.at) || b.u.id - a.u.id);
  for (const { u, title, link } of items) {
    feed.addItem({ title, id: link, link, date: new Date(u.at), description: u.text, content: u.text });
  }
  const authors = [{ name: model.org.name, url: `${base}/` }];
  const json = {
    version: 'https://jsonfeed.org/version/1.1',
    title: `${model.org.name} status`,
    home_page_url: `${base}/`,
    feed_url: `${base}/feed.json`,
    description,
    language: 'en',
    authors,
    items: items.map(({ u, title, link }) => ({
      id: link,
      url: link,
      title,
      // Plain text only: statements are not HTML, and a reader must never render them as such.
      content_text: u.text,
      date_published: new Date(u.at).toISOString(),
      authors,
    })),
  };
  return { atom: feed.atom1(), rss: feed.rss2(), json: `${JSON.stringify(json, null, 2)}\n` };
}
