import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';
import { ROOT, tempDir } from '../support/config';
import { WAIT_MS } from './flow';

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

export interface OpenConsole {
  sandbox: Sandbox;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * A fresh sandbox and its console open in Chromium at `viewport`, connected live; page errors go
 * to `onPageError`; `options` adds sandbox settings (a fast clock on a test's fake clock).
 */
export async function openConsole(viewport: { width: number; height: number }, onPageError?: (message: string) => void, options: Pick<SandboxOptions, 'fastClock' | 'clock'> = {}): Promise<OpenConsole> {
  const [sandbox, browser] = await Promise.all([startSandbox({ dir: tempDir('herald-sandbox-'), port: 0, cwd: ROOT, env: { HERALD_LOG_LEVEL: 'silent' }, ...options }), launchChromium()]);
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(WAIT_MS);
  if (onPageError) page.on('pageerror', (e) => onPageError(e.message));
  await page.goto(sandbox.url);
  await page.locator('#conn.live').waitFor();
  return {
    sandbox,
    browser,
    page,
    async close() {
      await browser.close();
      await sandbox.close();
    },
  };
}
