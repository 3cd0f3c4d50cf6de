import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/load';
import { envSchema } from '../../src/config/schema';
import { ROOT } from '../support/config';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

/** A Dockerfile as docker reads it: comments dropped, `\` continuations joined, one instruction a line, grouped by FROM. */
function parseDockerfile(text: string): Stage[] {
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (op === 'FROM') {
      const [from, as, name] = args.split(/\s+/);
      stages.push({ from: from!, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), steps: [] });
    } else {
      if (!stages.length) throw new Error(`${op} before any FROM`);
      stages.at(-1)!.steps.push({ op, args });
    }
  }
  return stages;
}

const all = (stage: Stage, op: string) => stage.steps.filter((s) => s.op === op).map((s) => s.args);
/** ENV in both forms: `ENV A=1 B=2` and `ENV A 1`. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of all(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [k, ...v] = args.split(/\s+/);
      env[k!] = v.join(' ');
      continue;
    }
    for (const m of args.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  }
  return env;
}

/** The variables .env.example declares (set or left empty). */
const envExample = () => new Set([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
const SETTING = /\b(?:HERALD|DISCORD|TELEGRAM|X)_[A-Z0-9_]+\b/g;

describe('the Dockerfile', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const final = stages.at(-1)!;
  const build = stages[0]!;

  it('builds in stages on node:20-bookworm-slim, compiling only in the build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.from).toBe('node:20-bookworm-slim');
    expect(build.name).toBe('build');
    expect(all(build, 'RUN').join(' ')).toMatch(/apt-get install .*python3 .*make .*g\+\+/);
    expect(all(build, 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    expect(all(final, 'RUN').join(' ')).not.toMatch(/apt-get install|g\+\+|npm (ci|install)/);
    expect(all(final, 'COPY').some((c) => c.startsWith('--from=build '))).toBe(true);
  });

  it('runs as a user that is not root, with the database on the /data volume and health on the exposed port', () => {
    const users = all(final, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const env = envOf(final);
    expect(all(final, 'VOLUME')).toEqual(['/data']);
    expect(dirname(env.HERALD_DB_PATH!)).toBe('/data');
    expect(all(final, 'EXPOSE')).toEqual([env.HERALD_HTTP_PORT]);
    // Listening on 127.0.0.1 inside a container would hide the port from everything outside it.
    expect(env.HERALD_HTTP_HOST).toBe('0.0.0.0');
    const [health] = all(final, 'HEALTHCHECK');
    expect(health).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    expect(health).not.toMatch(/curl|wget/);
    expect(all(final, 'ENTRYPOINT')).toEqual(['["node", "bin/herald.mjs"]']);
    expect(all(final, 'CMD')).toEqual(['["start"]']);
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const isIgnored = (p: string) => ignored.some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`).test(p));
    const copies = stages.flatMap((s) => all(s, 'COPY')).filter((c) => !c.startsWith('--from='));
    expect(copies.length).toBeGreaterThan(3);
    for (const c of copies) {
      const sources = c.split(/\s+/).filter((w) => !w.startsWith('--')).slice(0, -1);
      for (const src of sources) {
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        expect(isIgnored(src), `${src} is excluded by .dockerignore`).toBe(false);
      }
    }
    for (const secret of ['.env', 'data', 'node_modules', '.git']) expect(isIgnored(secret), secret).toBe(true);
  });
});

describe('compose.two-instances.yaml', () => {
  type Service = { build?: string; environment?: Record<string, string>; depends_on?: Record<string, unknown>; volumes?: string[]; ports?: string[]; healthcheck?: { test: string[] } };
  const compose = parseYaml(read('compose.two-instances.yaml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const heralds = Object.entries(compose.services).filter(([, s]) => s.build === '.');

  it('runs two herald services on the one PostgreSQL service, each its own instance id, port and health check', () => {
    expect(heralds).toHaveLength(2);
    const [a, b] = heralds.map(([, s]) => s);
    const url = a!.environment!.HERALD_DATABASE_URL!;
    expect(url).toMatch(/^postgres:\/\/herald:\$\{POSTGRES_PASSWORD\}@postgres:5432\/herald$/);
    expect(b!.environment!.HERALD_DATABASE_URL).toBe(url);
    expect(compose.services.postgres, 'a postgres service').toBeDefined();
    expect(new Set(heralds.map(([, s]) => s.environment!.HERALD_INSTANCE_ID)).size).toBe(2);
    for (const [name, s] of heralds) {
      expect(Object.keys(s.depends_on ?? {}), name).toContain('postgres');
      expect(s.healthcheck!.test.join(' '), name).toMatch(/\/healthz/);
      expect(s.ports![0], name).toMatch(/^127\.0\.0\.1:\d+:9464$/);
    }
    expect(new Set(heralds.map(([, s]) => s.ports![0])).size).toBe(2);
    // One signing key for both: a statement verifies whichever instance sent it.
    expect(a!.volumes).toEqual(b!.volumes);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml')) as {
    services: Record<string, { build?: string; env_file?: string | string[]; environment?: Record<string, string>; volumes?: string[]; ports?: string[]; healthcheck?: { test: string[] }; restart?: string }>;
    volumes: Record<string, unknown>;
  };
  const herald = compose.services.herald!;

  it('runs herald on SQLite with its database on a named volume, the .env file and a health check on /healthz', () => {
    expect(herald.build).toBe('.');
    expect(herald.env_file).toBe('.env');
    expect(herald.restart).toBe('unless-stopped');
    const data = herald.volumes!.map((v) => v.split(':')).find(([, target]) => target === '/data');
    expect(data, 'a volume on /data').toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(data![0]);
    expect(dirname(herald.environment!.HERALD_DB_PATH!)).toBe('/data');
    expect(herald.environment!.HERALD_DATABASE_URL).toBeUndefined();
    expect(herald.healthcheck!.test.join(' ')).toMatch(/node -e .*\/healthz/);
    // The port answers on the host's loopback only.
    expect(herald.ports).toEqual([`127.0.0.1:${herald.environment!.HERALD_HTTP_PORT}:${herald.environment!.HERALD_HTTP_PORT}`]);
    for (const mount of herald.volumes!.filter((v) => v.startsWith('./'))) {
      expect(existsSync(join(ROOT, mount.split(':')[0]!)), mount).toBe(true);
      expect(mount).toMatch(/:ro$/);
    }
  });
});

describe('deploy/herald.service', () => {
  const sections: Record<string, Record<string, string[]>> = {};
  let current = '';
  for (const line of read('deploy/herald.service').split('\n')) {
    const section = /^\[(\w+)\]$/.exec(line.trim());
    if (section) sections[(current = section[1]!)] = {};
    const kv = /^(\w+)=(.*)$/.exec(line.trim());
    if (kv && current) (sections[current]![kv[1]!] ??= []).push(kv[2]!);
  }
  const service = (key: string) => sections.Service?.[key] ?? [];

  it('runs as herald with the usual hardening, writing only the database folder', () => {
    expect(service('User')).toEqual(['herald']);
    expect(service('NoNewPrivileges')).toEqual(['yes']);
    expect(service('ProtectSystem')).toEqual(['strict']);
    expect(service('PrivateTmp')).toEqual(['yes']);
    const db = service('Environment').map((e) => /^HERALD_DB_PATH=(.*)$/.exec(e)?.[1]).find(Boolean)!;
    expect(service('ReadWritePaths')).toEqual([dirname(db)]);
    expect(service('ExecStart')[0]).toMatch(/bin\/herald\.mjs start$/);
  });

  it("has no key systemd would ignore (systemd-analyze verify, on machines that have systemd)", () => {
    // systemd skips a misspelt hardening key with a warning only, so a typo would quietly drop it.
    const tool = spawnSync('systemd-analyze', ['--version']);
    if (tool.error) return;
    const r = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy/herald.service')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr.split('\n').filter((l) => /herald\.service/.test(l))).toEqual([]);
  });

  it('restarts after a crash, spaced out and bounded, and never for a setting that restarting cannot fix', () => {
    expect(service('Restart')).toEqual(['on-failure']);
    expect(Number.parseInt(service('RestartSec')[0]!, 10)).toBeGreaterThanOrEqual(5);
    expect(service('RestartPreventExitStatus')[0]!.split(/\s+/)).toEqual(expect.arrayContaining(['1', '2']));
    expect(Number(sections.Unit!.StartLimitBurst![0])).toBeGreaterThan(0);
    expect(Number.parseInt(sections.Unit!.StartLimitIntervalSec![0]!, 10)).toBeGreaterThanOrEqual(60);
  });
});

/** The README's Deploy section, up to the next heading. */
function deploySection(): string {
  const readme = read('README.md');
  const start = readme.indexOf('\n## Deploy\n');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

/** The Deploy section's settings table: setting → its row's what, default and secret cells. */
function settingsTable(): Map<string, { what: string; fallback: string; secret: string }> {
  const rows = new Map<string, { what: string; fallback: string; secret: string }>();
  for (const m of deploySection().matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| (.+?) \| (.+?) \| (.+?) \|$/gm)) rows.set(m[1]!, { what: m[2]!, fallback: m[3]!, secret: m[4]! });
  return rows;
}

describe('the settings the deployment names', () => {
  it('the README Deploy section has a row for every variable in .env.example, and none it does not declare', () => {
    const table = settingsTable();
    const declared = envExample();
    expect([...declared].filter((v) => !table.has(v)), 'in .env.example but not in the Deploy settings table').toEqual([]);
    expect([...table.keys()].filter((v) => !declared.has(v)), 'in the Deploy settings table but not in .env.example').toEqual([]);
    for (const [name, row] of table) {
      expect(row.what.length, `${name}: what it does`).toBeGreaterThan(8);
      expect(row.fallback, `${name}: its default`).not.toBe('');
      expect(row.secret, `${name}: secret or not`).toMatch(/^(yes|no)\b/);
    }
  });

  it("the table's secret column says yes for exactly the variables herald keeps out of its logs", () => {
    const env: Record<string, string> = {
      HERALD_CONFIG: 'test/fixtures/herald.yaml',
      HERALD_DB_PATH: ':memory:',
      HERALD_ALERT_WEBHOOK_URL: 'https://events.pagerduty.com/v2/enqueue',
      HERALD_PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdefABCDEF',
      DISCORD_TOKEN: 'discord-token-0123456789',
      DISCORD_APPLICATION_ID: '111111111111',
      DISCORD_GUILD_IDS: '222222222222',
      DISCORD_COMMS_CHANNEL_ID: '333333333333',
      TELEGRAM_BOT_TOKEN: '123456789:AAbbccddeeffgghhiijjkkllmmnnoopp',
      TELEGRAM_COMMS_CHAT_ID: '-1001234567890',
      TELEGRAM_WEBHOOK_URL: 'https://herald.acme.finance/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: 'webhook-secret-0123456789',
      X_API_KEY: 'x-api-key-0123456789',
      X_API_SECRET: 'x-api-secret-0123456789',
      X_ACCESS_TOKEN: 'x-access-token-0123456789',
      X_ACCESS_SECRET: 'x-access-secret-0123456789',
      X_OAUTH2_USER_TOKEN: 'x-oauth2-token-0123456789',
    };
    const { secrets } = loadConfig({ cwd: ROOT, readDotenv: false, env });
    const table = settingsTable();
    for (const [name, value] of Object.entries(env)) {
      if (name === 'HERALD_CONFIG' || name === 'HERALD_DB_PATH') continue;
      expect(table.get(name)?.secret.startsWith('yes'), `${name}'s secret column`).toBe(secrets.includes(value));
    }
  });

  it('every setting the README Deploy section, the Dockerfile, compose.yaml and the unit name is in .env.example', () => {
    const deploy = deploySection();
    expect(deploy.length).toBeGreaterThan(500);
    const named = new Set([...deploy.matchAll(SETTING), ...read('Dockerfile').matchAll(SETTING), ...read('compose.yaml').matchAll(SETTING), ...read('compose.two-instances.yaml').matchAll(SETTING), ...read('deploy/herald.service').matchAll(SETTING)].map((m) => m[0]));
    expect(named.size).toBeGreaterThanOrEqual(5);
    const declared = envExample();
    for (const name of named) expect(declared.has(name), `${name} is not in .env.example`).toBe(true);
  });

  it('.env.example declares every variable herald reads, and nothing it does not', () => {
    const declared = envExample();
    const read = new Set([...Object.keys(envSchema.shape), 'HERALD_CONSOLE_PORT', 'HERALD_SANDBOX_DIR']);
    expect([...read].filter((v) => !declared.has(v))).toEqual([]);
    expect([...declared].filter((v) => !read.has(v))).toEqual([]);
  });
});
