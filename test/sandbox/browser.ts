import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/** Off on this closed network: nothing the browser would fetch for itself can arrive, and waiting for it slows every page. */
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** A system Chromium when the machine has one (CHROMIUM_PATH points elsewhere), else null. */
function systemChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return p;
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).stdout.trim();
  return found || null;
}

/**
 * The browser for the console's tests: the system's Chromium, or the one inside the
 * @sparticuz/chromium npm package, so `npm ci && npm test` needs nothing but Node.js.
 */
async function browserToLaunch(): Promise<{ executablePath: string; args: string[] }> {
  const system = systemChromium();
  if (system) return { executablePath: system, args: ['--no-sandbox', '--disable-gpu', ...QUIET] };
  // Loaded only here: its first call unpacks the browser into the temp folder.
  const { default: packaged } = await import('@sparticuz/chromium');
  return { executablePath: await packaged.executablePath(), args: [...packaged.args, ...QUIET] };
}

export async function launchChromium(): Promise<Browser> {
  // playwright gives every launch a fresh, temporary profile (user data dir) of its own.
  return chromium.launch({ ...(await browserToLaunch()), headless: true, timeout: 30_000 });
}
