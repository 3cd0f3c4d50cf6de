import type { SiteIncident, SiteModel, SiteWarning } from './model';

/**
 * `api/v2/summary.json` and `api/v2/incidents.json` in the shape of Atlassian Statuspage's public
 * API, so readers and aggregators that know it work unchanged. herald has no components or
 * scheduled maintenances, so those lists are empty; severities map to Statuspage's impacts.
 */

const IMPACT: Record<string, 'critical' | 'major' | 'minor' | 'none'> = { sev1: 'critical', sev2: 'major', sev3: 'minor', sev4: 'none' };
const DESCRIPTION = { critical: 'Major System Outage', major: 'Partial System Outage', minor: 'Minor Service Outage', none: 'All Systems Operational' } as const;
const RANK = ['none', 'minor', 'major', 'critical'] as const;

const impactOf = (i: SiteIncident) => IMPACT[i.severity ?? ''] ?? 'none';

function page(model: SiteModel) {
  return { id: 'herald', name: model.org.name, url: model.org.url, time_zone: 'Etc/UTC', updated_at: model.generatedAt };
}

function incident(model: SiteModel, i: SiteIncident) {
  const id = String(i.id);
  const last = i.updates.at(-1)?.at ?? i.openedAt;
  return {
    id,
    name: i.title,
    status: i.open ? 'investigating' : 'resolved',
    created_at: i.openedAt,
    updated_at: i.closedAt && i.closedAt > last ? i.closedAt : last,
    monitoring_at: null,
    resolved_at: i.closedAt,
    impact: impactOf(i),
    shortlink: `${model.org.url.replace(/\/$/, '')}/incidents/${id}.html`,
    started_at: i.openedAt,
    page_id: 'herald',
    incident_updates: [...i.updates].reverse().map((u, n) => ({
      id: String(u.id),
      // The newest update of a closed incident is the one that resolved it.
      status: !i.open && n === 0 ? 'resolved' : 'investigating',
      body: u.text,
      incident_id: id,
      created_at: u.at,
      updated_at: u.at,
      display_at: u.at,
      affected_components: [],
      deliver_notifications: true,
    })),
    components: [],
  };
}

export function summaryJson(model: SiteModel) {
  const open = model.incidents.filter((i) => i.open);
  const worst = open.map(impactOf).reduce<(typeof RANK)[number]>((w, x) => (RANK.indexOf(x) > RANK.indexOf(w) ? x : w), 'none');
  return {
    page: page(model),
    components: [],
    incidents: open.map((i) => incident(model, i)),
    scheduled_maintenances: [],
    status: { indicator: worst, description: open.length && worst === 'none' ? 'Minor Service Outage' : DESCRIPTION[worst] },
    // Statuspage has no field for "this channel is not ours", and readers match on the status
    // line's fixed values: the warning goes in an extension of herald's own, which they ignore.
    ...(model.compromised.length ? { herald: { compromised: model.compromised.map((c) => ({ channel: c.channel, what: c.what, since: c.since, warning: warningOf(c) })) } } : {}),
  };
}

export function incidentsJson(model: SiteModel) {
  return { page: page(model), incidents: model.incidents.map((i) => incident(model, i)) };
}

const warningOf = (c: SiteWarning): string => `Do not trust ${c.channel}, compromised since ${c.since.slice(0, 10)} ${c.since.slice(11, 16)} UTC (${c.what})`;

/** The feeds' description carries the warnings too (a feed has no better place for them). */
export const warningText = (model: Pick<SiteModel, 'compromised'>): string => model.compromised.map((c) => `; ${warningOf(c).replace(/^D/, 'd')}`).join('');
