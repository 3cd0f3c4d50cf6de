import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../../src/core/templates/library';
import { ROOT, tempDir } from '../support/config';
import { herald } from '../support/cli';

/** A copy of the shipped library to break, with a way to edit a file and find a line in it. */
function copy() {
  const dir = join(tempDir(), 'templates');
  cpSync(join(ROOT, 'templates'), dir, { recursive: true });
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    edit: (file: string, change: (s: string) => string) => {
      const before = read(file);
      const after = change(before);
      if (after === before) throw new Error(`the edit of ${file} changed nothing`);
      writeFileSync(join(dir, file), after);
    },
    lineOf: (file: string, needle: string | RegExp) => read(file).split('\n').findIndex((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l))) + 1,
  };
}

/** The X variant of a template file, with `change` applied to it only. */
const inX = (change: (x: string) => string) => (s: string) => {
  const at = s.indexOf('\n=== x ===\n');
  return s.slice(0, at) + change(s.slice(at));
};

describe('herald templates check: critical variables, promises and closing statements', () => {
  it('fails when an X variant drops a critical variable, naming the file and the `=== x ===` line', () => {
    const lib = copy();
    lib.edit('sev1/exploit-investigating.hbs', inX((x) => x.replace(/\nUser funds: .*\n/, '\n')));
    lib.edit('sev1/protocol-paused.hbs', inX((x) => x.replace('{{#if user_action}}\n{{user_action}}\n{{/if}}\n', '')));

    const r = herald(['templates', 'check', lib.dir], {});
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${lib.dir}/sev1/exploit-investigating.hbs:${lib.lineOf('sev1/exploit-investigating.hbs', '=== x ===')}: \`funds_status\` is critical but the \`=== x ===\` variant never shows it; every platform must carry it, so add it there`,
      `${lib.dir}/sev1/protocol-paused.hbs:${lib.lineOf('sev1/protocol-paused.hbs', '=== x ===')}: \`user_action\` is critical but the \`=== x ===\` variant never shows it; every platform must carry it, so add it there`,
    ]);
    expect(r.stderr).toBe(`2 problems in ${lib.dir}\n`);
  });

  it('fails when the main text (Discord, Telegram) drops an optional critical variable, at its declaration', () => {
    const lib = copy();
    lib.edit('sev2/degraded-service.hbs', (s) => s.replace('{{#if workaround}}\n**What you can do:** {{workaround}}\n\n{{/if}}\n', ''));
    const r = herald(['templates', 'check', lib.dir], {});
    expect(r.stdout).toBe(
      `${lib.dir}/sev2/degraded-service.hbs:${lib.lineOf('sev2/degraded-service.hbs', /^ {2}workaround:/)}: \`workaround\` is critical but the main text (what Discord and Telegram receive) never shows it; add it there\n`,
    );
    expect(r.code).toBe(1);
  });

  it('holds sev1/sev2 statements to a promise on every platform, and closing statements to none', () => {
    const lib = copy();
    // A resolved statement that promises again.
    lib.edit('sev2/resolved.hbs', (s) =>
      s
        .replace('variables:\n', 'variables:\n  next_update:\n    description: When the next update comes\n    required: true\n    example: "in 2 hours"\n')
        .replace('Thank you for your patience.\n', 'Thank you for your patience.\n\n**Next update:** {{next_update}}\n'),
    );
    // A holding update that no longer says when the next one comes on X.
    lib.edit('sev1/holding.hbs', inX((x) => x.replace('Next update: {{next_update}}.', 'Updates follow.')));
    // A sev1 statement that neither promises nor closes.
    lib.edit('sev1/resolved.hbs', (s) => s.replace('closes: true\n', ''));

    const r = herald(['templates', 'check', lib.dir], {});
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${lib.dir}/sev1/holding.hbs:${lib.lineOf('sev1/holding.hbs', '=== x ===')}: \`next_update\` is the promise but the \`=== x ===\` variant never shows it; every platform must carry it, so add it there`,
      `${lib.dir}/sev1/resolved.hbs:2: sev1 statements promise their next update: declare a required \`next_update\` variable and show it, or mark the template \`closes: true\` if it closes the incident`,
      `${lib.dir}/sev2/resolved.hbs:${lib.lineOf('sev2/resolved.hbs', /^ {2}next_update:/)}: this statement closes its incident (\`closes: true\`), so it promises no next update; remove \`next_update\``,
    ]);
  });

  it('refuses a marker that is not true or false, naming the line', () => {
    const lib = copy();
    lib.edit('sev1/funds-update.hbs', (s) => s.replace('    critical: true\n', '    critical: yes please\n'));
    const r = herald(['templates', 'check', lib.dir], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${lib.dir}/sev1/funds-update\\.hbs:\\d+: header variables\\.confirmed_impact\\.critical: .+\\n$`));
  });
});

describe('the shipped library', () => {
  const lib = loadLibrary(join(ROOT, 'templates'), ROOT);
  const templates = [...lib.templates.values()];

  it('has a holding update for every severity, promising the next one', () => {
    for (const sev of ['sev1', 'sev2', 'sev3', 'sev4']) {
      expect(lib.templates.get(`${sev}/holding`)?.variables.next_update?.required, sev).toBe(true);
    }
  });

  it('lets an FAQ entry name the severities that may answer it, and refuses an unknown one', () => {
    const shipped = loadLibrary(join(ROOT, 'templates'), ROOT);
    expect(shipped.faq.get('faq/funds-safe')?.answersFrom).toEqual(['sev1', 'sev2']);
    expect(shipped.faq.get('faq/next-update')?.answersFrom).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    const lib = copy();
    lib.edit('faq/funds-safe.hbs', (s) => s.replace('answers_from: [sev1, sev2]', 'answers_from: [sev1, sev5]'));
    const r = herald(['templates', 'check', lib.dir], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${lib.dir}/faq/funds-safe.hbs:${lib.lineOf('faq/funds-safe.hbs', 'answers_from')}: header answers_from.1: expected severities such as [sev1, sev2] (known: sev1, sev2, sev3, sev4)`);
  });

  it('closes incidents only with statements that promise nothing more', () => {
    expect(templates.filter((t) => t.closes).map((t) => t.id)).toEqual(['sev1/resolved', 'sev2/resolved', 'sev4/maintenance-complete']);
    for (const t of templates.filter((t) => t.closes)) expect(t.variables.next_update, t.id).toBeUndefined();
  });

  it('treats a drainer on our own site as sev1, and carries funds status and user actions on X', () => {
    expect(lib.templates.has('sev1/frontend-compromised')).toBe(true);
    expect(lib.templates.has('sev2/frontend-compromised')).toBe(false);
    for (const id of ['sev1/exploit-investigating', 'sev1/protocol-paused']) {
      const t = lib.templates.get(id)!;
      expect(t.variables.funds_status?.critical, id).toBe(true);
      expect(t.variables.user_action?.critical, id).toBe(true);
      const x = t.sectionInfo.find((s) => s.variant === 'x')!.uses.map((u) => u.name);
      expect(x, id).toEqual(expect.arrayContaining(['funds_status', 'user_action', 'next_update']));
    }
  });

  it('keeps the retraction notice apart from what can be drafted, with the reason on every platform', () => {
    const notice = lib.notices.get('notices/retraction-notice')!;
    expect(notice.variables.reason).toMatchObject({ required: true, critical: true });
    expect(notice.sectionInfo.map((s) => s.uses.some((u) => u.name === 'reason'))).toEqual([true, true]);
    expect(templates.some((t) => t.name === 'retraction-notice')).toBe(false);
  });
});
