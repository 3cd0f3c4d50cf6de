import { Feed } from 'feed';
import type { SiteModel, SiteUpdate } from './model';
import { warningText } from './statuspage';

const KIND_TITLE = { statement: 'Statement', correction: 'Correction', retraction: 'Retraction' } as const;

/** Every public update, newest first, as Atom, RSS 2.0 and JSON Feed, by the maintained `feed` generator. */
export function feeds(model: SiteModel): { atom: string; rss: string; json: string } {
  const base = model.org.url.replace(/\/$/, '');
  const feed = new Feed({
    id: `${base}/`,
    title: `${model.org.name} status`,
    description: `Incident statements from ${model.org.name}, each signed by herald (see /.well-known/herald.json)${warningText(model)}`,
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
  ].sort((a, b) => b.u.at.localeCompare(a.u.at) || b.u.id - a.u.id);
  for (const { u, title, link } of items) {
    feed.addItem({ title, id: link, link, date: new Date(u.at), description: u.text, content: u.text });
  }
  return { atom: feed.atom1(), rss: feed.rss2(), json: feed.json1() };
}
