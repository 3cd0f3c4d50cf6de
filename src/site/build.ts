import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Checkpoint } from '../trust/checkpoint';
import type { PublicKey } from '../trust/keys';
import type { RetiredKey } from '../trust/rotate';
import { heraldJson, STATEMENTS_PATH, WELL_KNOWN_PATH, type PublishedSignature } from '../trust/published';
import { feeds } from './feeds';
import type { SiteIncident, SiteModel, SiteUpdate } from './model';
import { incidentHtml, indexHtml, verifyHtml } from './pages';
import { incidentsJson, summaryJson } from './statuspage';

export interface SiteInputs {
  model: SiteModel;
  keys: PublicKey[];
  retired: RetiredKey[];
  checkpoint: Checkpoint | undefined;
  signatures: PublishedSignature[];
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Every file of the site, by its path under the site's folder. */
export function siteFiles({ model, keys, retired, checkpoint, signatures }: SiteInputs): Map<string, string> {
  const f = feeds(model);
  const files = new Map<string, string>([
    ['index.html', indexHtml(model)],
    ['verify.html', verifyHtml(model)],
    ['feed.atom', f.atom],
    ['feed.rss', f.rss],
    ['feed.json', f.json],
    ['api/v2/summary.json', json(summaryJson(model))],
    ['api/v2/incidents.json', json(incidentsJson(model))],
    [WELL_KNOWN_PATH, json(heraldJson(model.org.name, keys, retired, checkpoint))],
    [STATEMENTS_PATH, json(signatures)],
  ]);
  for (const i of model.incidents) files.set(`incidents/${i.id}.html`, incidentHtml(model, i));
  return files;
}

let warmed = false;

/**
 * Renders every kind of page and feed once, for nothing: Handlebars compiles a template, and its
 * partials, the first time it is used, and the feeds warm up the same way. Otherwise the first
 * build with an incident in it, the first statement after a start, took 30 ms more, on the
 * event loop, while that statement's deliveries were still reading answers and writing requests.
 * Called at the start's own build instead.
 */
export function warmRenderers(): void {
  if (warmed) return;
  warmed = true;
  const at = new Date(0).toISOString();
  const signatures = [{ platform: 'x', target: 'x', form: 'plain', keyId: 'k', signature: 's', postedAt: at }];
  const update = (id: number, kind: SiteUpdate['kind'], current: boolean): SiteUpdate => ({ id, draftId: id, templateId: 't', severity: 's', kind, at, text: 't', reason: kind === 'statement' ? null : 'r', current, signatures });
  const incident = (id: number, open: boolean): SiteIncident => ({
    id,
    title: 't',
    severity: 's',
    open,
    openedAt: at,
    closedAt: open ? null : at,
    closedReason: open ? null : 'r',
    updates: [update(id * 10, 'statement', false), update(id * 10 + 1, 'correction', open), update(id * 10 + 2, 'retraction', !open)],
    nextUpdate: open ? { dueAt: at, overdue: true } : null,
  });
  siteFiles({
    model: { org: { name: 'o', url: 'https://example.org' }, generatedAt: at, incidents: [incident(1, true), incident(2, false)], notices: [update(3, 'statement', true)], compromised: [{ channel: 'c', what: 'w', since: at }] },
    keys: [],
    retired: [],
    checkpoint: undefined,
    signatures: [],
  });
}

/**
 * Writes the site into `dir`: each file written beside itself and renamed into place, so a web
 * server serving the folder never sends half a file; files whose content did not change are left
 * alone. Returns the paths written.
 */
export function writeSite(dir: string, files: Map<string, string>): string[] {
  const written: string[] = [];
  for (const [path, content] of files) {
    const full = join(dir, path);
    if (existsSync(full) && readFileSync(full, 'utf8') === content) continue;
    mkdirSync(dirname(full), { recursive: true });
    const temp = `${full}.partial-${process.pid}`;
    writeFileSync(temp, content);
    renameSync(temp, full);
    written.push(path);
  }
  return written;
}
