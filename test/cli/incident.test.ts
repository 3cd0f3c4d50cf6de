import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { spanText, type IncidentReview } from '../../src/core/read/incident-report';
import { herald } from '../support/cli';
import { FakeClock } from '../support/clock';
import { testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { INCIDENT_EXPLOIT_VARS, INCIDENT_FUNDS_VARS, INCIDENT_RESOLVED_VARS } from '../support/vars';

const MIN = 60_000;
const stamp = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/**
 * A real incident in a database file: a sev1 exploit notice published by break glass and
 * ratified, a hold that comes too late, a funds update in time that is then retracted, and the
 * resolved statement: one promise missed, one kept, one superseded. herald is closed before the
 * command runs, as an operator would.
 */
async function incidentDb(): Promise<string> {
  // A clock that starts now, so the incident's start and the deliveries' times are on one clock.
  const clock = new FakeClock(Date.now());
  const t = testHerald(testConfig(), { clock });
  const say = (who: string, text: string) => t.chat.say(who, text);
  say('alice', `/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
  say('bob', '/approve #1 break-glass "the pool is being drained"');
  await t.herald.worker.idle();
  clock.advance(5 * MIN);
  say('carol', '/approve #1');
  // Past the exploit notice's promise (30 min): the hold is late.
  clock.advance(35 * MIN);
  say('alice', '/hold 1 next_update="in 30 minutes"');
  say('bob', '/approve #2');
  await t.herald.worker.idle();
  clock.advance(20 * MIN);
  say('alice', `/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
  say('bob', '/approve #3');
  say('carol', '/approve #3');
  await t.herald.worker.idle();
  say('alice', '/retract #3 the figure was not verified');
  say('bob', '/approve #3');
  say('carol', '/approve #3');
  await t.herald.worker.idle();
  clock.advance(80 * MIN);
  say('alice', `/draft sev1/resolved incident="the exploit of the USDC lending pool" ${INCIDENT_RESOLVED_VARS}`);
  say('bob', '/approve #4');
  say('carol', '/approve #4');
  await t.herald.worker.idle();
  await t.close();
  t.db.$client.close();
  return t.config.paths.db;
}

/** The rows the review is checked against, read with a connection of the test's own. */
function rows(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const q = <T>(sql: string) => db.prepare(sql).all() as T[];
    return {
      openedAt: (db.prepare('SELECT opened_at AS at FROM incidents WHERE id = 1').get() as { at: string }).at,
      first: q<{ target: string; platform: string; first: string }>(
        `SELECT d.target_id AS target, d.platform, min(p.sent_at) AS first FROM deliveries d JOIN delivery_parts p ON p.delivery_id = d.id
         JOIN broadcasts b ON b.id = d.broadcast_id WHERE b.kind = 'publish' GROUP BY d.target_id ORDER BY d.target_id`,
      ),
      promises: q<{ draft: number; due: string; outcome: string | null; settled: string | null }>('SELECT draft_id AS draft, due_at AS due, outcome, settled_at AS settled FROM promises ORDER BY id'),
      approvals: q<{ draft: number; name: string; at: string }>('SELECT draft_id AS draft, approver_name AS name, created_at AS at FROM approvals ORDER BY id'),
      sent: q<{ draft: number; kind: string; target: string; first: string | null }>(
        `SELECT b.draft_id AS draft, b.kind, d.target_id AS target, min(p.sent_at) AS first FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
         LEFT JOIN delivery_parts p ON p.delivery_id = d.id GROUP BY d.id ORDER BY d.id`,
      ),
      holds: q<{ id: number }>('SELECT id FROM drafts WHERE holding = 1 ORDER BY id').map((r) => r.id),
      glass: q<{ draft: number; by: string; reason: string; ratifiedBy: string | null }>('SELECT draft_id AS draft, used_by_name AS by, reason, ratified_by AS ratifiedBy FROM break_glass'),
      changes: q<{ draft: number; kind: string; reason: string | null }>(
        `SELECT b.draft_id AS draft, b.kind, r.reason FROM broadcasts b JOIN revisions r ON r.id = b.revision_id WHERE b.kind != 'publish' ORDER BY b.id`,
      ),
    };
  } finally {
    db.close();
  }
}

const margin = (p: { due: string; settled: string | null }) => Date.parse(p.due) - Date.parse(p.settled!);

describe('the review of a real incident, from the command line', () => {
  it('herald incident report prints time to first communication per channel and promises kept or missed, as the rows say', async () => {
    const db = await incidentDb();
    const r = herald(['incident', 'report', '1'], { HERALD_DB_PATH: db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toMatch(/^# Incident 1: /);
    const facts = rows(db);
    expect(facts.first.map((f) => f.target)).toEqual(['discord-main', 'telegram-main', 'x']);
    for (const f of facts.first) expect(md).toContain(`| ${f.target} | ${f.platform} | ${stamp(f.first)} | ${spanText(Date.parse(f.first) - Date.parse(facts.openedAt))} |`);
    const settled = facts.promises.filter((p) => p.outcome === 'kept' || p.outcome === 'missed');
    expect(settled.map((p) => p.outcome)).toEqual(expect.arrayContaining(['kept', 'missed']));
    for (const p of settled) {
      const m = margin(p);
      expect(md).toContain(`| #${p.draft} | ${stamp(p.due)} | `);
      expect(md).toContain(p.outcome === 'kept' ? `kept, ${spanText(m)} early |` : `missed by ${spanText(-m)} |`);
    }
  });

  it('an unknown incident is one line on stderr and exit code 1', async () => {
    const db = await incidentDb();
    const r = herald(['incident', 'report', '9'], { HERALD_DB_PATH: db });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('herald: there is no incident 9 in this database; /incident in the comms channel lists them\n');
    expect(r.code).toBe(1);
  });

  it('the review as figures (incident report --format json) and in the Markdown export, as the rows say', async () => {
    const db = await incidentDb();
    const facts = rows(db);
    const out = herald(['incident', 'report', '1', '--format', 'json'], { HERALD_DB_PATH: db });
    expect(out.code).toBe(0);
    const review = JSON.parse(out.stdout) as IncidentReview;
    expect(review.incident.id).toBe(1);
    // The json export stays the array of events, as its readers parse it.
    const events = JSON.parse(herald(['audit', 'export', '--format', 'json'], { HERALD_DB_PATH: db }).stdout) as unknown[];
    expect(Array.isArray(events) && events.length).toBeGreaterThan(0);

    // Time to first communication per channel.
    expect(review.firstCommunication.map(({ targetId, platform, at, afterMs }) => ({ targetId, platform, at, afterMs })).sort((a, b) => a.targetId.localeCompare(b.targetId))).toEqual(
      facts.first.map((f) => ({ targetId: f.target, platform: f.platform, at: f.first, afterMs: Date.parse(f.first) - Date.parse(facts.openedAt) })),
    );
    // Each statement's approvers and delivery times.
    const approvers = review.statements.flatMap((s) => s.broadcasts.flatMap((b) => b.approvers.map((a) => ({ draft: s.draftId, name: a.name, at: a.at }))));
    expect(approvers).toEqual(facts.approvals);
    const sent = review.statements.flatMap((s) => s.broadcasts.flatMap((b) => b.deliveries.map((d) => ({ draft: s.draftId, kind: b.kind, target: d.targetId, first: d.firstSentAt }))));
    expect(sent).toEqual(facts.sent);
    // Promises kept or missed, and by how much.
    expect(review.promises.map((p) => ({ draft: p.draftId, due: p.dueAt, outcome: p.outcome, marginMs: p.marginMs }))).toEqual(
      facts.promises.map((p) => ({ draft: p.draft, due: p.due, outcome: p.outcome ?? 'open', marginMs: p.outcome === 'kept' || p.outcome === 'missed' ? margin(p) : null })),
    );
    expect(review.promises.map((p) => p.outcome)).toEqual(expect.arrayContaining(['kept', 'missed']));
    // Holds, break-glass uses, corrections and retractions with their reasons.
    expect(facts.holds).toEqual([2]);
    expect(review.holds.map((x) => x.draftId)).toEqual(facts.holds);
    expect(facts.glass).toEqual([{ draft: 1, by: 'bob', reason: 'the pool is being drained', ratifiedBy: 'carol' }]);
    expect(review.breakGlass.map(({ draftId, by, reason, ratifiedBy }) => ({ draft: draftId, by, reason, ratifiedBy }))).toEqual(facts.glass);
    expect(review.statements.find((s) => s.draftId === 1)!.broadcasts[0]!.breakGlass).toBe(true);
    expect(facts.changes).toEqual([{ draft: 3, kind: 'retract', reason: 'the figure was not verified' }]);
    expect(review.corrections.map(({ draftId, kind, reason }) => ({ draft: draftId, kind, reason }))).toEqual(facts.changes);

    // The Markdown export: the timeline of events, then the incident's review under it.
    const md = herald(['audit', 'export', '--format', 'md'], { HERALD_DB_PATH: db }).stdout;
    expect(md).toContain('## Draft #1 — sev1/exploit-investigating');
    expect(md).toContain('\n## Incident 1: ');
    expect(md).toContain('\n### Time to first communication\n');
    for (const f of facts.first) expect(md).toContain(`| ${f.target} | ${f.platform} | ${stamp(f.first)} | ${spanText(Date.parse(f.first) - Date.parse(facts.openedAt))} |`);
    for (const p of facts.promises.filter((x) => x.outcome === 'kept' || x.outcome === 'missed')) {
      expect(md).toContain(p.outcome === 'kept' ? `kept, ${spanText(margin(p))} early |` : `missed by ${spanText(-margin(p))} |`);
    }
    expect(md).toContain(`approved by bob (${stamp(facts.approvals[0]!.at)}), carol (${stamp(facts.approvals[1]!.at)}) — BREAK GLASS`);
    expect(md).toContain('- #1 by bob at ');
    expect(md).toContain(': "the pool is being drained"; ratified by carol at ');
    expect(md).toContain('\n### Holds\n\n- #2 drafted ');
    expect(md).toMatch(/- #3 retracted at [^\n]+: the figure was not verified/);
    // Scoped to a draft outside any incident, the export carries no review.
    expect(herald(['audit', 'export', '--format', 'md', '--draft', '99'], { HERALD_DB_PATH: db }).stdout).not.toContain('## Incident');
  });
});
