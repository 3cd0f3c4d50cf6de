import { getDomain } from 'tldts';
import type { Config, SiteDestination } from '../config/types';

/** The host a destination is served from or pushed to: its url, else its git remote's host. */
function hostsOf(d: SiteDestination): string[] {
  const hosts = d.url ? [new URL(d.url).hostname] : [];
  if (d.type === 'git') {
    const scp = /^[^/@]+@([^/:]+):/.exec(d.remote);
    if (scp) hosts.push(scp[1]!);
    else if (URL.canParse(d.remote)) hosts.push(new URL(d.remote).hostname);
  }
  return hosts;
}

/**
 * One warning a destination that shares a registrable domain with the team's own site (its
 * website, app or docs): when that domain's DNS or hosting is what failed, the status page
 * reporting it would go down with it.
 */
export function sharedInfrastructure(config: Pick<Config, 'org' | 'statusSite'>): string[] {
  const own = new Set([config.org.website, config.org.app, config.org.docs].flatMap((u) => (u ? [getDomain(u, { allowPrivateDomains: true })] : [])).filter(Boolean));
  const warnings: string[] = [];
  for (const d of config.statusSite?.publish ?? []) {
    const shared = hostsOf(d).find((h) => own.has(getDomain(h, { allowPrivateDomains: true })));
    if (shared) {
      warnings.push(
        `status_site.publish ${d.id}: ${shared} is on ${getDomain(shared, { allowPrivateDomains: true })}, the domain of your own site; if that domain or its hosting fails, the status page reporting it fails too; publish to a host on another domain as well`,
      );
    }
  }
  return warnings;
}
