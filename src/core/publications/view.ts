import type { Config } from '../../config/types';
import type { DbOrTx } from '../../store/db';
import { sitePublications } from '../../store/schema';
import type { DeliveryView } from '../previews/view';

/** What the preview, /status and the console call a publish destination's platform. */
export const SITE_PLATFORM = 'status site';

/**
 * Each publish destination as a delivery line: ✅ with where it is, ⏳ waiting or retrying (the
 * reason and when), ❌ given up. The site carries every statement, so every preview shows it.
 */
export function publicationViews(config: Pick<Config, 'statusSite' | 'drill'>, db: DbOrTx): DeliveryView[] {
  // A drill is not public: no site is built or published.
  const list = config.drill ? [] : (config.statusSite?.publish ?? []);
  if (!list.length) return [];
  const rows = new Map(db.select().from(sitePublications).all().map((r) => [r.destination, r]));
  return list.map((d) => {
    const r = rows.get(d.id);
    const status = r?.status === 'published' ? 'sent' : r?.status === 'failed' ? 'failed' : 'pending';
    return {
      targetId: d.id,
      platform: SITE_PLATFORM,
      status,
      link: r?.link ?? null,
      error: status === 'sent' ? null : (r?.lastError ?? null),
      notes: null,
      attempts: r?.attempts ?? 0,
      next:
        status === 'pending' && r?.lastError
          ? `retrying${r.notBefore ? ` at ${r.notBefore.slice(11, 19)} UTC` : ''}`
          : status === 'failed'
            ? 'not retried; fix the cause, and the next change to the site publishes it again'
            : null,
    };
  });
}
