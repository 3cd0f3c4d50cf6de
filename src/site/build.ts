import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Checkpoint } from '../trust/checkpoint';
import type { PublicKey } from '../trust/keys';
import type { RetiredKey } from '../trust/rotate';
import { heraldJson, STATEMENTS_PATH, WELL_KNOWN_PATH, type PublishedSignature } from '../trust/published';
import { feeds } from './feeds';
import type { SiteModel } from './model';
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
