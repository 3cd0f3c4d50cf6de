import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMode } from '../../src/cli/start';
import { herald } from '../support/cli';
import { ROOT, tempDir, testConfig } from '../support/config';

const X_CREDENTIALS = { X_API_KEY: 'k', X_API_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 'a' };

describe('herald start: sandbox or the real platforms', () => {
  it('runs the sandbox when no platform is configured or --sandbox is given, else the configured platforms', () => {
    expect(startMode(testConfig(), {})).toBe('sandbox');
    expect(startMode(testConfig(X_CREDENTIALS), {})).toBe('platforms');
    expect(startMode(testConfig(X_CREDENTIALS), { sandbox: true })).toBe('sandbox');
    expect(startMode(testConfig(X_CREDENTIALS), { drill: true })).toBe('platforms');
  });

  it('--fast-clock takes a factor from 2 to 600, and only in the sandbox: one line and exit 2 otherwise', () => {
    const slow = herald(['start', '--sandbox', '--fast-clock', '1'], {});
    expect(slow.stderr).toBe("herald: option '--fast-clock [factor]' argument '1' is invalid. expected a whole number from 2 to 600, such as 30; herald --help lists the commands\n");
    expect(slow.code).toBe(2);
    const real = herald(['start', '--fast-clock'], X_CREDENTIALS);
    expect(real.stderr).toBe('herald: --fast-clock works only in the sandbox; add --sandbox, or leave it out to run the configured platforms\n');
    expect(real.code).toBe(2);
  });

  it('`npm start` on a fresh machine lands in the sandbox, prints the console URL and what to try, and stops cleanly on Ctrl-C', async () => {
    // What `npm start` runs, from a folder with no .env, with nothing but the shipped config.
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(DISCORD|TELEGRAM|X|HERALD)_/.test(k)) env[k] = v;
    Object.assign(env, {
      HERALD_CONFIG: join(ROOT, 'herald.config.yaml'),
      HERALD_TEMPLATES_DIR: join(ROOT, 'templates'),
      HERALD_SANDBOX_DIR: join(tempDir('herald-start-'), 'sandbox'),
      HERALD_CONSOLE_PORT: '0',
    });
    // Its own process group, so that "Ctrl-C" reaches the group as a terminal sends it.
    const child = spawn(process.execPath, [join(ROOT, 'bin/herald.mjs'), 'start'], { cwd: tempDir('herald-cwd-'), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no console URL within 30 s; stdout: ${stdout}; stderr: ${stderr}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /Stop with Ctrl-C/.test(stdout) && /Console: +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m) (clearTimeout(timer), resolve(m[1]!));
        });
        void exited.then((code) => reject(new Error(`herald exited (${code}) before serving; stderr: ${stderr}`)));
      });
      expect(stdout).toContain('no Discord, Telegram or X credentials are configured');
      expect(stdout).toMatch(/alice +drafter/);
      expect(stdout).toMatch(/mallory +no role/);
      expect(stdout).toContain('Official domains: acme.finance');
      expect(stdout).toContain('/draft sev1/exploit-investigating affected="the USDC pool" next_update="in 30 minutes"');

      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>herald sandbox console</title>');
      const state = (await (await fetch(`${url}api/state`)).json()) as { people: Array<{ name: string; role: string }> };
      expect(state.people.map((p) => `${p.name}:${p.role}`)).toEqual(['alice:drafter', 'bob:approver', 'carol:approver', 'dave:moderator', 'mallory:no role']);

      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running 20 s after Ctrl-C'), 20_000))]);
      expect(code).toBe(0);
      expect(stdout).toContain('Sandbox stopped.');
      expect(stderr).not.toMatch(/"level":(50|60)/);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 60_000);
});
