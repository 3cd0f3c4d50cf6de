import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * herald's package folder, where the files it reads at run time live (migrations, the PostgreSQL
 * worker thread, the sandbox console's static files). Found by walking up to package.json, not
 * by a path relative to the module: the sources run from src/ (tests, tsx) and the build from
 * dist/ (bin/herald.mjs), where the same code sits at another depth.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`herald's package.json was not found in ${from} or above it`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A file or folder of herald's package, by its path from the package root. */
export const packagePath = (...parts: string[]) => join(PACKAGE_ROOT, ...parts);
