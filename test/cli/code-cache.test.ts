import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { herald } from '../support/cli';
import { tempDir } from '../support/config';

// bin/code-cache.mjs keeps the code V8 compiled for a short command and hands it back on the next
// run. What an operator must never notice is the cache itself: the same output with it, without
// it, and with a damaged one. Each test has its own folder (HERALD_CODE_CACHE_DIR), so the other
// tests' runs, which share dist/.cache, never write into it.

const LIST = ['templates', 'list'];
const uncached = (args: string[]) => herald(args, { HERALD_CODE_CACHE_DIR: '' });
const cachedIn = (dir: string, args: string[]) => herald(args, { HERALD_CODE_CACHE_DIR: dir });
const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8'));

describe("the short commands' compiled-code cache", () => {
  it('is written by the first run and read, not rewritten, by the next, with the same output', () => {
    const dir = tempDir();
    const plain = uncached(LIST);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('sev1/account-compromised');

    const first = cachedIn(dir, LIST);
    expect(first).toEqual(plain);
    const [cache] = files(dir);
    expect(files(dir)).toHaveLength(1);
    const written = statSync(join(dir, cache!));
    expect(written.size).toBeGreaterThan(0);
    // Only the writer may read the code it wrote: another account's cache could run as yours.
    expect(written.mode & 0o077).toBe(0);

    const second = cachedIn(dir, LIST);
    expect(second).toEqual(plain);
    // V8 accepted it: a refused cache is written again, under a new inode.
    const after = statSync(join(dir, cache!));
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });

  it('keeps one cache for each set of V8 flags: templates runs without the optimising compiler, --help with it', () => {
    const dir = tempDir();
    expect(cachedIn(dir, LIST).code).toBe(0);
    expect(cachedIn(dir, ['--help'])).toEqual(uncached(['--help']));
    expect(files(dir).map((f) => f.split('.')[2]).sort()).toEqual(['default', 'no-opt']);
  });

  it.each([
    ['garbage', (_real: Buffer) => Buffer.from('not compiled code at all '.repeat(64))],
    ['cut short', (real: Buffer) => real.subarray(0, Math.floor(real.length / 2))],
  ])('compiles afresh over a cache that is %s, and replaces it', (_name, damage) => {
    const dir = tempDir();
    const plain = uncached(LIST);
    expect(cachedIn(dir, LIST).code).toBe(0);
    const path = join(dir, files(dir)[0]!);
    const real = readFileSync(path);
    const damaged = damage(real);
    writeFileSync(path, damaged);

    expect(cachedIn(dir, LIST)).toEqual(plain);
    expect(readFileSync(path).equals(damaged)).toBe(false);
    // What replaced it is good code: the next run keeps it.
    const replaced = statSync(path);
    expect(cachedIn(dir, LIST)).toEqual(plain);
    expect(statSync(path).ino).toBe(replaced.ino);
  });

  it('runs the command as before where the folder cannot be made', () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const r = cachedIn(join(blocker, 'cache'), LIST);
    expect(r).toEqual(uncached(LIST));
    expect(readdirSync(join(blocker, '..'))).toEqual(['a-file']);
  });
});
