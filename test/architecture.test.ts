import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The rooms of docs/architecture.md and what each may not import, read from the source itself.

const ROOT = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every module a file names: static imports and re-exports, dynamic import() and require(). */
export function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const p of patterns) for (const m of code.matchAll(p)) found.push(m[1]!);
  return found;
}

/** The repository path a specifier points at (relative ones resolved), without its extension; bare package names as they are. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(ROOT, resolve(dirname(file), spec)).split(sep).join('/').replace(/\.(ts|js|mjs)$/, '').replace(/\/index$/, '');
}

interface Rule {
  room: string;
  forbidden: Array<{ why: string; test: (to: string) => boolean }>;
  /** Names the room may not import from anywhere, so a re-export elsewhere does not hide them. */
  forbiddenNames?: Array<{ name: string; why: string }>;
}

/** Every name a file imports or re-exports in braces (`{ A, type B as C }` gives A and B). */
export function importedNames(code: string): string[] {
  const names: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\b/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
      if (name) names.push(name);
    }
  }
  return names;
}

const under = (prefix: string) => (to: string) => to === prefix || to.startsWith(`${prefix}/`);

export const RULES: Rule[] = [
  {
    room: 'src/platforms',
    forbidden: [
      { why: 'the store (adapters go through the chat port)', test: under('src/store') },
      { why: 'the whole core (adapters get the chat port)', test: (to) => to === 'src/core/core' },
      { why: 'the composition root', test: under('src/app') },
    ],
    forbiddenNames: [{ name: 'Core', why: 'the Core type (adapters get the chat port)' }],
  },
  // Signing and the status site sit beside the core: the core decides and never reaches out to them.
  {
    room: 'src/core',
    forbidden: [
      { why: 'the signatures and checkpoints (src/trust listens to the core, not the reverse)', test: under('src/trust') },
      { why: 'the status site (src/site reads the core, not the reverse)', test: under('src/site') },
    ],
  },
  {
    room: 'src/trust',
    forbidden: [
      { why: 'the composition root', test: under('src/app') },
      { why: 'a platform adapter (signatures are over what the store recorded as posted)', test: under('src/platforms') },
      { why: 'the status site (it publishes what trust signs)', test: under('src/site') },
      { why: 'the command line', test: under('src/cli') },
    ],
  },
  {
    room: 'src/site',
    forbidden: [
      { why: 'the composition root', test: under('src/app') },
      { why: 'a platform adapter (the site is built from rows, not from what a platform says)', test: under('src/platforms') },
      { why: 'the command line', test: under('src/cli') },
    ],
  },
  // The package @herald/emulators is its src/; the sandbox under src/sandbox may import it, never the other way round.
  { room: 'packages/emulators/src', forbidden: [{ why: "herald's own source", test: (to) => under('src')(to) || /^herald(\/|$)/.test(to) }] },
];

export function violations(rule: Rule, files: Array<{ file: string; code: string }>): string[] {
  const out: string[] = [];
  for (const { file, code } of files) {
    for (const spec of specifiers(code)) {
      const to = target(file, spec);
      const broken = rule.forbidden.find((f) => f.test(to));
      if (broken) out.push(`${relative(ROOT, file)} imports ${spec}: ${rule.room} may not import ${broken.why}`);
    }
    for (const name of importedNames(code)) {
      const broken = rule.forbiddenNames?.find((f) => f.name === name);
      if (broken) out.push(`${relative(ROOT, file)} imports ${name}: ${rule.room} may not import ${broken.why}`);
    }
  }
  return out;
}

const read = (room: string) => sourceFiles(join(ROOT, room)).map((file) => ({ file, code: readFileSync(file, 'utf8') }));

describe('architecture: what each room may import', () => {
  it.each(RULES.map((r) => [r.room, r] as const))('%s imports nothing it may not', (_room, rule) => {
    const files = read(rule.room);
    expect(files.length).toBeGreaterThan(0);
    expect(violations(rule, files)).toEqual([]);
  });

  it('catches each kind of forbidden import', () => {
    const platforms = RULES[0]!;
    const file = join(ROOT, 'src/platforms/discord/example.ts');
    const bad = [
      "import { drafts } from '../../store/schema';",
      "import type { Core } from '../../core/core';",
      "export { createHerald } from '../../app';",
      "const m = await import('../../app/start');",
    ];
    expect(violations(platforms, bad.map((code) => ({ file, code })))).toHaveLength(bad.length + 1); // the Core line breaks both rules
    // The Core type through a re-export elsewhere is still the Core type.
    expect(violations(platforms, [{ file, code: "import { type Core as Everything, type ChatPort } from '../../core/port';" }])).toHaveLength(1);
    expect(violations(platforms, [{ file, code: "import type { ChatPort } from '../../core/port';" }])).toEqual([]);
    const emulators = RULES.find((r) => r.room === 'packages/emulators/src')!;
    const emu = join(ROOT, 'packages/emulators/src/discord/example.ts');
    expect(violations(emulators, [{ file: emu, code: "import { redact } from '../../../../src/util/redact';" }])).toHaveLength(1);
    expect(violations(emulators, [{ file: emu, code: "import { readBody } from '../shared/body';" }])).toEqual([]);
  });
});
