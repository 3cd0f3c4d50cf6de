import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { envSchema } from '../config/env-schema';
import { ConfigError, databasePassword, readEnvironment } from '../config/environment';
import { openDb } from '../store/db';
import { registerSecret } from '../util/redact';
import { auditHead } from '../audit/head';
import { verifyAudit } from '../audit/verify';
import { CliFailure, EXIT } from './failure';
import type { ExportFilter, readAudit } from '../audit/export';

/**
 * herald's existing database, for commands that need nothing else (audit, backup): they work
 * even when the rest of the config is broken.
 */
export function openExistingDb() {
  const parsed = envSchema.pick({ HERALD_DB_PATH: true, HERALD_DATABASE_URL: true }).safeParse(readEnvironment());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0] ?? 'HERALD_DB_PATH')}: ${issue.message}`);
  }
  const url = parsed.data.HERALD_DATABASE_URL;
  if (url) {
    for (const secret of [url, databasePassword(url)]) if (secret) registerSecret(secret);
    return openChecked(url, (why) => `HERALD_DATABASE_URL: herald's PostgreSQL database cannot be read (${why}); check the URL and that herald start ran on it`);
  }
  const path = resolve(parsed.data.HERALD_DB_PATH);
  if (!existsSync(path)) throw new ConfigError(`HERALD_DB_PATH: ${path} does not exist; run herald start first or point HERALD_DB_PATH at herald's database`);
  return openChecked(path, (why) => `HERALD_DB_PATH: ${path} is not herald's database (${why}); point HERALD_DB_PATH at the file herald start uses`);
}

/** Opens without migrating; a database that opens but holds no audit log is named here, not by a failing query later. */
function openChecked(location: string, failure: (why: string) => string) {
  try {
    const db = openDb(location, { migrate: false });
    auditHead(db);
    return db;
  } catch (err) {
    throw new CliFailure(failure(err instanceof Error ? err.message : String(err)), EXIT.badFile);
  }
}

/** A row whose data is not JSON was changed outside herald; the export names it rather than crashing on it. */
function checkRows(rows: ReturnType<typeof readAudit>): void {
  for (const r of rows) {
    try {
      JSON.parse(r.data);
    } catch {
      throw new CliFailure(`audit row ${r.seq} is damaged (its data is not JSON), so the log cannot be exported; herald audit verify shows where the chain was changed`, EXIT.badFile);
    }
  }
}

export function auditVerify(): void {
  const db = openExistingDb();
  const result = verifyAudit(db);
  db.$client.close();
  if (result.ok) {
    process.stdout.write(`audit log OK: ${result.rows} rows, chain intact, last hash ${result.lastHash}\n`);
  } else {
    process.stdout.write(`audit log BROKEN at row ${result.seq}: ${result.problem}\n`);
    process.exitCode = 1;
  }
}

// The export's formats (the incident timeline and its review among them) load with the export
// alone: herald audit verify walks the chain without them.
export async function auditExport(opts: { format: 'md' | 'json' | 'csv'; since?: string; until?: string; draft?: number }): Promise<void> {
  const { readAudit, toCsv, toJson, toMarkdown } = await import('../audit/export');
  const db = openExistingDb();
  const filter: ExportFilter = { ...(opts.since ? { since: opts.since } : {}), ...(opts.until ? { until: opts.until } : {}), ...(opts.draft !== undefined ? { draftId: opts.draft } : {}) };
  const rows = readAudit(db, filter);
  checkRows(rows);
  process.stdout.write(opts.format === 'json' ? toJson(rows) : opts.format === 'csv' ? toCsv(rows) : toMarkdown(db, rows, filter));
  db.$client.close();
}
