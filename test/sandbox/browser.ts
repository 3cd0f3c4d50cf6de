import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium, driven by playwright-core (npm cannot download browsers here). CI installs it
 * with `apt-get install -y chromium`; CHROMIUM_PATH points elsewhere if needed.
 */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return p;
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  throw new Error("The sandbox console test drives Debian's chromium: install it (apt-get install -y chromium) or set CHROMIUM_PATH");
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    timeout: 30_000,
    // playwright gives every launch a fresh, temporary profile (user data dir) of its own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
