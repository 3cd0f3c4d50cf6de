// Runs dist/main.cjs as require() would, but hands V8 the code it compiled for that file on an
// earlier run: Node 20 keeps no compiled code between runs (module.enableCompileCache is Node 22),
// and a short command spends a fifth of its time compiling (BENCHMARKS.md). The cache is written
// when a run ends, not when the file is compiled (as the v8-compile-cache package does), so it
// holds every function that run compiled, not only the file's top level: the second run of a
// command compiles almost nothing.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import vm from 'node:vm';

/**
 * The cache of one build of `file`, for one set of V8 flags (`profile`), in HERALD_CODE_CACHE_DIR
 * (default: .cache beside the file; empty: no cache). V8 refuses compiled code made under other
 * flags or by another version of itself, and checks only the source's length, so the file's size
 * and time of writing name the build (scripts/build.mjs removes the caches of earlier builds from
 * the default folder; in another, they are only ever read by the build that wrote them).
 */
function cachePath(file, profile) {
  const dir = process.env.HERALD_CODE_CACHE_DIR ?? join(dirname(file), '.cache');
  if (!dir) return undefined;
  const { size, mtimeMs } = statSync(file);
  return resolve(dir, `${basename(file)}.${profile}.${process.version}-${process.arch}.${size}-${Math.trunc(mtimeMs)}.v8`);
}

/** Written beside and renamed into place: another herald starting meanwhile reads all of it or none. */
function save(path, script) {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const part = `${path}.${process.pid}.part`;
    writeFileSync(part, script.createCachedData(), { mode: 0o600 });
    renameSync(part, path);
  } catch {
    // A read-only install runs as fast as it did before this cache: nothing to tell the operator.
  }
}

/**
 * Loads and runs `file` (CommonJS); with `profile`, through the compiled-code cache. Without one,
 * and whenever V8 collects coverage (which needs code compiled afresh), it is compiled as usual.
 */
export function runCommonJs(file, profile) {
  const path = profile && !process.env.NODE_V8_COVERAGE ? cachePath(file, profile) : undefined;
  let cachedData;
  try {
    if (path) cachedData = readFileSync(path);
  } catch {
    // None yet: this run writes it.
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (path && (!cachedData || script.cachedDataRejected)) process.once('exit', () => save(path, script));
  // A module of its own in require's cache, as require() would make it.
  const module = new Module(file);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  Module._cache[file] = module;
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
}
