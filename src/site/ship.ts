import { execFile } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { SiteDestination } from '../config/types';
import type { SiteShipper } from '../core/publications/worker';
import { byNumbers } from '../util/order';

const run = promisify(execFile);
/** Releases kept beside a dir destination: the one served and the one before (a reader mid-page may still be on it). */
const KEEP = 2;
let serial = 0;

/**
 * Copies the built site in `siteDir` to each destination. A dir destination becomes a symlink to
 * a full copy swapped in by one rename, so a web server never serves half of one build and half
 * of another. A git destination is a working copy under `work` that is reset to the branch,
 * given the build, committed and pushed with the git binary.
 */
export function siteShipper(siteDir: string, work: string, timeoutMs: number): SiteShipper {
  return {
    async publish(d) {
      if (d.type === 'dir') return { link: d.url ?? publishDir(siteDir, d.path) };
      const commit = await publishGit(siteDir, join(work, d.id), d.remote, d.branch, timeoutMs);
      return { link: d.url ?? `${d.branch}@${commit.slice(0, 12)}` };
    },
  };
}

function publishDir(siteDir: string, path: string): string {
  const releases = join(dirname(path), `.${basename(path)}.releases`);
  // The swap renames a link in the parent, which works even when the folder served was made
  // read-only (a remount, a chmod to freeze it): that is the operator saying no, so it is heeded.
  if (existsSync(path)) refuseUnwritable(path);
  try {
    mkdirSync(releases, { recursive: true });
    const name = `${Date.now()}-${process.pid}-${serial++}`;
    cpSync(siteDir, join(releases, name), { recursive: true });
    const link = join(releases, `${name}.link`);
    symlinkSync(join(`.${basename(path)}.releases`, name), link);
    // A folder that was there before herald managed it is kept aside, once.
    if (existsSync(path) && !lstatSync(path).isSymbolicLink()) renameSync(path, join(releases, `before-herald-${name}`));
    renameSync(link, path);
    const old = readdirSync(releases).filter((f) => /^\d+-\d+-\d+$/.test(f)).sort(byNumbers);
    for (const f of old.slice(0, -KEEP)) rmSync(join(releases, f), { recursive: true, force: true });
    return path;
  } catch (err) {
    throw new Error(`could not write ${path}: ${fsReason(err)}`);
  }
}

function refuseUnwritable(path: string): void {
  let why: string | undefined;
  try {
    if (!statSync(path).isDirectory()) why = 'it is not a folder';
    else accessSync(path, constants.W_OK);
  } catch (err) {
    why = fsReason(err);
  }
  if (why) throw new Error(`could not write ${path}: ${why}; make it a folder herald may write to (or remove it, and herald makes it), and it is tried again`);
}

function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const what = { ENOTDIR: 'a part of the path is a file, not a folder', EACCES: 'permission denied', EROFS: 'the file system is read-only', ENOSPC: 'the disk is full' }[e.code ?? ''];
  return what ? `${what} (${e.code})` : (e.message ?? String(err));
}

async function publishGit(siteDir: string, dir: string, remote: string, branch: string, timeoutMs: number): Promise<string> {
  const git = async (...args: string[]) => {
    try {
      const { stdout } = await run('git', args, { cwd: dir, timeout: timeoutMs, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
      return stdout.trim();
    } catch (err) {
      const e = err as { stderr?: string; message?: string; code?: string | number };
      if (e.code === 'ENOENT') throw new Error('the git binary is not installed; install git, or publish to a dir destination instead');
      const said = (e.stderr ?? e.message ?? '').trim().split('\n').filter((l) => /^(fatal|error|remote):/.test(l))[0] ?? (e.stderr ?? e.message ?? '').trim().split('\n')[0];
      throw new Error(`git ${args[0]} to ${remote} (${branch}) failed: ${said}`);
    }
  };
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, '.git'))) await git('init', '--quiet');
  // Every attempt starts from what the remote has now, so another publisher's push is never undone by force.
  const fetched = await git('fetch', '--quiet', '--depth=1', remote, `+refs/heads/${branch}:refs/remotes/site/${branch}`).then(
    () => true,
    (err: Error) => (/couldn't find remote ref/i.test(err.message) ? false : Promise.reject(err)),
  );
  if (fetched) await git('checkout', '--quiet', '--force', '-B', branch, `refs/remotes/site/${branch}`);
  else await git('checkout', '--quiet', '--orphan', branch).catch(() => git('checkout', '--quiet', branch));
  for (const f of readdirSync(dir)) if (f !== '.git') rmSync(join(dir, f), { recursive: true, force: true });
  cpSync(siteDir, dir, { recursive: true });
  // GitHub Pages runs Jekyll unless told not to, and Jekyll leaves out .well-known (the keys).
  writeFileSync(join(dir, '.nojekyll'), '');
  await git('add', '--all');
  const changed = await git('status', '--porcelain');
  if (changed) await git('-c', 'user.name=herald', '-c', 'user.email=herald@localhost', 'commit', '--quiet', '--no-verify', '-m', 'Status site update by herald');
  await git('push', '--quiet', remote, `HEAD:refs/heads/${branch}`);
  return git('rev-parse', 'HEAD');
}
