import { parseDocument, LineCounter } from 'yaml';
import * as z from 'zod';
import { SEVERITIES } from '../../config/schema';

/** A problem in a template file, with the file's own line number. */
export interface TemplateProblem {
  file: string;
  line: number;
  message: string;
}

export class TemplateFileError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(`${problem.file}:${problem.line}: ${problem.message}`);
  }
}

const variable = z.strictObject({
  description: z.string().min(1, 'needs a description'),
  required: z.boolean().default(false),
  example: z.union([z.string(), z.number()]).transform(String).optional(),
  /** What matters most (funds status, what users must do): every platform's variant shows it, X included. */
  critical: z.boolean().default(false),
  /** A fact of the incident rather than of this statement: a follow-up draft in the incident starts with it. */
  shared: z.boolean().default(false),
});
const header = z.strictObject({
  title: z.string().min(1, 'needs a title'),
  description: z.string().optional(),
  /** The statement closes its incident (resolved): it promises no next update. */
  closes: z.boolean().default(false),
  /** FAQ entries: the severities whose statements may answer it (a maintenance notice never answers "are my funds safe"); all when absent. */
  answers_from: z.array(z.enum(SEVERITIES, { error: `expected severities such as [sev1, sev2] (known: ${SEVERITIES.join(', ')})` })).min(1, 'expected at least one severity, such as [sev1, sev2]').optional(),
  variables: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'variable names are lower snake_case'), variable)
    .nullish()
    .transform((v) => v ?? {}),
});
export type TemplateHeader = z.infer<typeof header>;
export type VariableSpec = TemplateHeader['variables'][string];

export const VARIANTS = ['x'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface Section {
  source: string;
  /** File line number of the section's first line. */
  line: number;
}

export interface ParsedFile {
  header: TemplateHeader;
  /** File line where each variable is declared. */
  variableLines: Record<string, number>;
  main: Section;
  variants: Partial<Record<Variant, Section>>;
}

const VARIANT_LINE = /^=== *([a-z]+) *===\s*$/;

/** Splits `---` front matter, the main body and `=== x ===` variants, keeping line numbers. */
export function parseTemplateFile(file: string, text: string): ParsedFile {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const fail = (line: number, message: string): never => {
    throw new TemplateFileError({ file, line, message });
  };
  if (lines[0]?.trim() !== '---') fail(1, 'must start with a `---` line opening the header (title, variables)');
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (close < 0) fail(1, 'the header opened by `---` is never closed by a second `---` line');

  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, close).join('\n'), { lineCounter });
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    fail(1 + (err.linePos?.[0]?.line ?? 1), `header is not valid YAML: ${err.message.split('\n')[0]}`);
  }
  const result = header.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    const node = issue.path.length ? doc.getIn(issue.path.slice(0, 2) as string[], true) : undefined;
    const offset = (node as { range?: [number] } | undefined)?.range?.[0];
    const line = offset === undefined ? 2 : 1 + lineCounter.linePos(offset).line;
    fail(line, `header${path ? ` ${path}` : ''}: ${issue.message}`);
  }
  const variableLines: Record<string, number> = {};
  for (let i = 1; i < close; i++) {
    const m = /^ {2}([a-z][a-z0-9_]*):\s*$/.exec(lines[i]!);
    if (m) variableLines[m[1]!] = i + 1;
  }

  const sections: Array<{ name: string; start: number; end: number; marker: number }> = [];
  let current = { name: 'main', start: close + 1, end: lines.length, marker: close + 1 };
  for (let i = close + 1; i < lines.length; i++) {
    const m = VARIANT_LINE.exec(lines[i]!);
    if (!m) continue;
    current.end = i;
    sections.push(current);
    current = { name: m[1]!, start: i + 1, end: lines.length, marker: i + 1 };
  }
  sections.push(current);

  const variants: ParsedFile['variants'] = {};
  let main: Section | undefined;
  for (const s of sections) {
    const section = { source: lines.slice(s.start, s.end).join('\n').trim() === '' ? '' : lines.slice(s.start, s.end).join('\n'), line: s.start + 1 };
    if (s.name === 'main') main = section;
    else if ((VARIANTS as readonly string[]).includes(s.name)) {
      if (variants[s.name as Variant]) fail(s.marker, `a second \`=== ${s.name} ===\` section; keep one per platform`);
      variants[s.name as Variant] = section;
    } else fail(s.marker, `unknown variant \`=== ${s.name} ===\`; the known variants are ${VARIANTS.join(', ')}`);
  }
  if (!main || main.source.trim() === '') fail(close + 2, 'the template body is empty');
  return { header: result.data!, variableLines, main: main!, variants };
}
