import { resolve } from 'node:path';
import { loadConfig } from '../config/load';
import { loadLibraryOrThrow } from '../app/library';
import { SEVERITIES } from '../config/schema';

// The checker renders every template (the whole renderer, twitter-text's included): loaded by
// `templates check` alone, so that `templates list` reads the folder without it.
export async function templatesCheck(dir?: string): Promise<void> {
  const config = loadConfig();
  const folder = dir ? resolve(dir) : config.paths.templates;
  const { checkLibrary } = await import('../core/templates/check');
  const { problems, checked } = checkLibrary(folder, config);
  for (const p of problems) process.stdout.write(`${p.file}:${p.line}: ${p.message}\n`);
  if (problems.length) {
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${folder}\n`);
    process.exitCode = 1;
  } else process.stdout.write(`${checked} templates and FAQ entries OK\n`);
}

export function templatesList(): void {
  const config = loadConfig();
  const lib = loadLibraryOrThrow(config.paths.templates);
  const out: string[] = [];
  for (const sev of SEVERITIES) {
    const list = [...lib.templates.values()].filter((t) => t.severity === sev);
    if (!list.length) continue;
    out.push(`${sev} (${config.policies[sev].approvals} approval${config.policies[sev].approvals === 1 ? '' : 's'})`);
    for (const t of list) {
      out.push(`  ${t.id} — ${t.title}`);
      for (const [name, v] of Object.entries(t.variables)) out.push(`      ${name}${v.required ? '' : ' (optional)'}: ${v.description}`);
    }
  }
  out.push(`faq: ${[...lib.faq.values()].map((t) => t.name).join(', ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
