import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isHeraldError } from '../errors';
import { renderTemplate, type LatestInfo, type RenderContext } from '../statement/render';
import { validateValues } from '../statement/values';
import { loadLibrary, type Template } from './library';
import { checkMarkers } from './markers';
import type { TemplateProblem } from './file-format';

const SAMPLE_LATEST: LatestInfo = {
  title: 'Active exploit under investigation',
  link: 'https://discord.com/channels/1/2/3',
  status: 'ongoing',
  updated_at: '2026-11-24 14:05 UTC',
  next_update: 'within 60 minutes',
};

/**
 * Everything `herald templates check` verifies: the files load, variables declared and used
 * agree, and every template renders a legal statement with its examples (all of them, and only
 * the required ones), within each platform's limits and through the link guard.
 */
export function checkLibrary(dir: string, ctx: RenderContext, cwd = process.cwd()): { problems: TemplateProblem[]; checked: number } {
  const lib = loadLibrary(dir, cwd);
  const problems = [...lib.problems];
  const all = [...lib.templates.values(), ...lib.faq.values(), ...lib.notices.values()];
  for (const t of all) problems.push(...checkTemplate(t, ctx, cwd));
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { problems, checked: all.length + new Set(lib.problems.map((p) => p.file)).size };
}

function checkTemplate(t: Template, ctx: RenderContext, cwd: string): TemplateProblem[] {
  const out: TemplateProblem[] = [];
  const at = (line: number, message: string) => out.push({ file: t.file, line, message });
  const declLine = (name: string) => t.variableLines[name] ?? 2;
  const declared = new Set(Object.keys(t.variables));
  const usedInMain = new Set(t.sectionInfo.find((s) => s.variant === 'main')!.uses.map((u) => u.name));

  for (const section of t.sectionInfo) {
    for (const use of section.uses) {
      if (!declared.has(use.name)) at(use.line, `\`${use.name}\` is used but not declared; declare it under variables in the header`);
    }
  }
  for (const [name, spec] of Object.entries(t.variables)) {
    if (spec.required && !usedInMain.has(name)) at(declLine(name), `\`${name}\` is declared required but never used in the main text`);
    else if (!t.sectionInfo.some((s) => s.uses.some((u) => u.name === name))) at(declLine(name), `\`${name}\` is declared but never used`);
    if (spec.example === undefined || spec.example.trim() === '') at(declLine(name), `\`${name}\` needs an example value`);
  }
  out.push(...checkMarkers(t));
  if (out.length) return out;

  const examples = Object.fromEntries(Object.entries(t.variables).map(([n, s]) => [n, s.example ?? '']));
  const requiredOnly = Object.fromEntries(Object.entries(t.variables).filter(([, s]) => s.required).map(([n, s]) => [n, s.example ?? '']));
  const runs: Array<{ label: string; values: Record<string, string>; latest?: LatestInfo | null }> =
    t.kind === 'faq'
      ? [
          { label: 'with a latest broadcast', values: {}, latest: SAMPLE_LATEST },
          { label: 'before any broadcast', values: {}, latest: null },
        ]
      : [
          { label: 'with every example', values: examples },
          { label: 'with only the required examples', values: requiredOnly },
        ];
  const text = readFileSync(resolve(cwd, t.file), 'utf8').split('\n');
  for (const run of runs) {
    try {
      renderTemplate(t, validateValues(t, run.values, ctx), ctx, { latest: run.latest ?? null });
    } catch (err) {
      const message = isHeraldError(err) || err instanceof Error ? err.message : String(err);
      at(lineFor(message, text, t), `${run.label}, it renders an illegal statement: ${message}`);
    }
  }
  return out;
}

/** The line a render error points at: the offending link where it is written, else the variable's example. */
function lineFor(message: string, lines: string[], t: Template): number {
  const url = /links to (\S+?)[,;]? /.exec(message)?.[1];
  if (url) {
    const i = lines.findIndex((l) => l.includes(url));
    if (i >= 0) return i + 1;
  }
  const name = /`([a-z][a-z0-9_]*)`/.exec(message)?.[1];
  if (name && t.variableLines[name]) return t.variableLines[name]!;
  return t.sectionInfo[0]!.line;
}
