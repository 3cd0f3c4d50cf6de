import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SEVERITIES, type Severity } from '../../config/schema';
import { analyse, compile, type CompiledSection } from './handlebars';
import { parseTemplateFile, TemplateFileError, type TemplateProblem, type VariableSpec, type Variant } from './file-format';

export interface Template {
  /** `sev1/exploit-investigating`; `faq/funds-safe` for FAQ entries; `notices/retraction-notice` for notices herald posts itself. */
  id: string;
  kind: 'template' | 'faq' | 'notice';
  severity: Severity | null;
  name: string;
  /** Path as shown to people: relative to the working directory. */
  file: string;
  title: string;
  description: string;
  /** Broadcasting it closes the incident (resolved statements). */
  closes: boolean;
  /** FAQ entries: the severities whose statements may answer it. */
  answersFrom: readonly Severity[];
  variables: Record<string, VariableSpec>;
  variableLines: Record<string, number>;
  /** SHA-256 of the file, recorded with every draft made from it. */
  hash: string;
  main: CompiledSection;
  variants: Partial<Record<Variant, CompiledSection>>;
  /** Where each section starts and what it uses, for the checker. */
  sectionInfo: Array<{ variant: 'main' | Variant; line: number; uses: Array<{ name: string; line: number }> }>;
}

export interface Library {
  dir: string;
  templates: Map<string, Template>;
  faq: Map<string, Template>;
  /** Statements herald posts on its own, such as the public notice of a retraction; never drafted directly. */
  notices: Map<string, Template>;
  problems: TemplateProblem[];
}

const FOLDERS = [...SEVERITIES, 'faq', 'notices'] as const;
const KINDS = { faq: 'faq', notices: 'notice' } as const;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (entry.endsWith('.hbs')) out.push(full);
  }
  return out;
}

/**
 * Loads and compiles the library from its folder (templates are never compiled from chat text).
 * Problems are collected, not thrown, so `templates check` can list them all.
 */
export function loadLibrary(dir: string, cwd = process.cwd()): Library {
  const lib: Library = { dir, templates: new Map(), faq: new Map(), notices: new Map(), problems: [] };
  let files: string[];
  try {
    files = listFiles(dir);
  } catch {
    lib.problems.push({ file: relative(cwd, dir) || dir, line: 0, message: 'the template folder does not exist or cannot be read' });
    return lib;
  }
  for (const full of files) {
    const rel = relative(cwd, full);
    const file = rel && !rel.startsWith('..') ? rel : full;
    const parts = relative(dir, full).split(/[\\/]/);
    const folder = parts[0] as (typeof FOLDERS)[number];
    if (parts.length !== 2 || !FOLDERS.includes(folder)) {
      lib.problems.push({ file, line: 1, message: `templates live in ${FOLDERS.map((f) => `${f}/`).join(', ')}; move this file into one of them` });
      continue;
    }
    const name = parts[1]!.replace(/\.hbs$/, '');
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
      lib.problems.push({ file, line: 1, message: 'template names are lower-case words joined by hyphens, like exploit-investigating' });
      continue;
    }
    const text = readFileSync(full, 'utf8');
    const kind: Template['kind'] = folder === 'faq' || folder === 'notices' ? KINDS[folder] : 'template';
    try {
      const parsed = parseTemplateFile(file, text);
      const sections = [
        { variant: 'main' as const, ...parsed.main },
        ...Object.entries(parsed.variants).map(([variant, s]) => ({ variant: variant as Variant, ...s! })),
      ];
      const sectionInfo: Template['sectionInfo'] = [];
      let broken = false;
      for (const s of sections) {
        const analysis = analyse(s.source, s.line, kind === 'faq' ? 'faq' : 'template');
        for (const p of analysis.problems) lib.problems.push({ file, ...p });
        broken ||= analysis.problems.length > 0;
        sectionInfo.push({ variant: s.variant, line: s.line, uses: analysis.uses });
      }
      if (broken) continue;
      const variants: Template['variants'] = {};
      for (const [variant, s] of Object.entries(parsed.variants)) variants[variant as Variant] = compile(s!.source);
      const template: Template = {
        id: `${folder}/${name}`,
        kind,
        severity: kind === 'template' ? (folder as Severity) : null,
        name,
        file,
        title: parsed.header.title,
        description: parsed.header.description ?? '',
        closes: parsed.header.closes,
        answersFrom: parsed.header.answers_from ?? SEVERITIES,
        variables: parsed.header.variables,
        variableLines: parsed.variableLines,
        hash: createHash('sha256').update(text).digest('hex'),
        main: compile(parsed.main.source),
        variants,
        sectionInfo,
      };
      ({ faq: lib.faq, notice: lib.notices, template: lib.templates })[kind].set(template.id, template);
    } catch (err) {
      if (err instanceof TemplateFileError) lib.problems.push(err.problem);
      else throw err;
    }
  }
  return lib;
}

/** A template by `sev1/name`, or by a bare `name` when only one severity has it. */
export function findTemplate(lib: Library, ref: string): Template | undefined {
  const exact = lib.templates.get(ref);
  if (exact) return exact;
  const byName = [...lib.templates.values()].filter((t) => t.name === ref);
  return byName.length === 1 ? byName[0] : undefined;
}
