import type { TemplateProblem } from './file-format';
import type { Template } from './library';

/** Severities whose statements promise their next update, unless they close the incident. */
const PROMISING = new Set(['sev1', 'sev2']);

/**
 * The header's promises about the text: a critical variable shows on every platform (the main
 * body is what Discord and Telegram receive, `=== x ===` what X receives), a statement that
 * closes its incident promises nothing, and every other sev1/sev2 statement promises a next
 * update, on every platform.
 */
export function checkMarkers(t: Template): TemplateProblem[] {
  const out: TemplateProblem[] = [];
  const at = (line: number, message: string) => out.push({ file: t.file, line, message });
  const declLine = (name: string) => t.variableLines[name] ?? 2;
  const promising = t.kind === 'template' && PROMISING.has(t.severity ?? '') && !t.closes;

  if (t.closes && t.kind !== 'template') at(2, '`closes: true` is only for statements drafted from a severity folder; remove it');
  if (t.closes && t.variables.next_update) {
    at(declLine('next_update'), 'this statement closes its incident (`closes: true`), so it promises no next update; remove `next_update`');
  }
  if (promising && !t.variables.next_update?.required) {
    at(2, `${t.severity} statements promise their next update: declare a required \`next_update\` variable and show it, or mark the template \`closes: true\` if it closes the incident`);
  }

  const critical = Object.entries(t.variables)
    .filter(([name, spec]) => spec.critical || (promising && name === 'next_update'))
    .map(([name]) => name);
  for (const section of t.sectionInfo) {
    const shown = new Set(section.uses.map((u) => u.name));
    for (const name of critical.filter((n) => !shown.has(n))) {
      // A required variable missing from the main text is reported by the declared-and-used check already.
      if (section.variant === 'main' && t.variables[name]!.required) continue;
      const why = name === 'next_update' && !t.variables[name]!.critical ? 'is the promise' : 'is critical';
      if (section.variant === 'main') at(declLine(name), `\`${name}\` ${why} but the main text (what Discord and Telegram receive) never shows it; add it there`);
      else at(section.line - 1, `\`${name}\` ${why} but the \`=== ${section.variant} ===\` variant never shows it; every platform must carry it, so add it there`);
    }
  }
  return out;
}
