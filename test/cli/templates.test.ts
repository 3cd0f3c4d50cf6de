import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/config';
import { herald } from '../support/cli';

describe('herald templates check', () => {
  it('passes on the shipped library of 11+ templates and the FAQ topics', () => {
    const r = herald(['templates', 'check'], {});
    // The result is on stdout, where a script reads it; stderr stays empty.
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^(\d+) templates and FAQ entries OK\n$/);
    expect(Number(/^(\d+)/.exec(r.stdout)![1])).toBeGreaterThanOrEqual(17);
    expect(r.code).toBe(0);
  });

  it('names file and line for an undeclared variable, an unclosed block and an unofficial link, and exits 1', () => {
    const dir = join(tempDir(), 'templates');
    cpSync(join(ROOT, 'templates'), dir, { recursive: true });
    const edit = (file: string, change: (s: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
    edit('sev1/exploit-investigating.hbs', (s) => s.replace('\n=== x ===', '\nAttacker: {{attacker_wallet}}\n=== x ==='));
    edit('sev2/resolved.hbs', (s) => s.replace(/\{\{\/if\}\}/, ''));
    edit('sev4/maintenance-scheduled.hbs', (s) => s.replace('\n=== x ===', '\nDetails: https://evil.example/airdrop\n=== x ==='));

    const r = herald(['templates', 'check', dir], {});
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const lineOf = (file: string, needle: string) => readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(lines).toContain(`${dir}/sev1/exploit-investigating.hbs:${lineOf('sev1/exploit-investigating.hbs', 'attacker_wallet')}: \`attacker_wallet\` is used but not declared; declare it under variables in the header`);
    const opener = readFileSync(join(dir, 'sev2/resolved.hbs'), 'utf8').split('\n').findIndex((l) => l.includes('{{#if')) + 1;
    expect(lines).toContain(`${dir}/sev2/resolved.hbs:${opener}: \`{{#if}}\` is never closed; add {{/if}} where the block ends`);
    expect(lines.filter((l) => l.startsWith(`${dir}/sev4/maintenance-scheduled.hbs:${lineOf('sev4/maintenance-scheduled.hbs', 'evil.example')}: `))[0]).toMatch(
      /it renders an illegal statement: The statement links to https:\/\/evil\.example\/airdrop, which is not on an official domain/,
    );
    expect(r.stderr).toMatch(/^\d+ problems? in /);
  });

  it('lists templates by severity with their variables', () => {
    const r = herald(['templates', 'list'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sev1 \(2 approvals\)\n {2}sev1\/account-compromised — /);
    expect(r.stdout).toContain('      next_update: ');
    expect(r.stdout).toMatch(/\nfaq: .*funds-safe/);
  });
});
