import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { herald } from '../support/cli';
import { ROOT, tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { spawnHerald } from '../e2e/support/herald-process';
import { Stage } from '../e2e/support/stage';

// Which modules the real binary loads, recorded from the outside: a command loads only what it
// uses, so the short ones never pay for the chat client libraries, and never start the PostgreSQL
// worker on a SQLite setup. What comes from node_modules at run time is in the module log of a
// preloaded hook (test/support/module-log.mjs). The libraries the build bundles into
// dist/main.cjs (scripts/build.mjs) are there whether a command needs them or not, and run only
// when it imports them: esbuild wraps each bundled module in a function named by the module's
// path, and V8's coverage of the run (NODE_V8_COVERAGE) says which of those functions ran.

const PRELOAD = pathToFileURL(join(ROOT, 'test/support/module-log.mjs')).href;
const BUNDLE = join(ROOT, 'dist/main.cjs');
const CHAT_CLIENTS = ['discord.js', 'telegraf', 'twitter-api-v2'];
const POSTGRES = ['node_modules/pg/', 'src/store/postgres/worker.mjs'];

const packageOf = (path: string) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? [];

interface Coverage {
  result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }>;
}

/** The bundled modules (by their path in the build, such as node_modules/yaml/dist/index.js) that ran. */
function ranInBundle(coverageDir: string): string[] {
  const bundle = [BUNDLE, pathToFileURL(BUNDLE).href];
  return readdirSync(coverageDir).flatMap((file) =>
    (JSON.parse(readFileSync(join(coverageDir, file), 'utf8')) as Coverage).result
      .filter((script) => bundle.includes(script.url))
      .flatMap((script) => script.functions.filter((f) => f.ranges[0]!.count > 0 && /^(?:src|node_modules|packages)\//.test(f.functionName)).map((f) => f.functionName)),
  );
}

/** The packages (by name, bundled ones too) and files among the modules one run loaded or ran. */
function loaded(log: string, coverageDir?: string) {
  const urls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const bundled = coverageDir ? ranInBundle(coverageDir) : [];
  const packages = new Set([...urls, ...bundled].flatMap(packageOf));
  return { urls, bundled, packages };
}

/** `herald <args>` with the module log and V8's coverage on; what it printed and what it loaded. */
function run(args: string[], env: Record<string, string> = {}) {
  const dir = tempDir();
  const log = join(dir, 'modules.log');
  const coverage = join(dir, 'coverage');
  const r = herald(args, { ...env, NODE_OPTIONS: `--import=${PRELOAD}`, HERALD_TEST_MODULE_LOG: log, NODE_V8_COVERAGE: coverage });
  return { ...r, ...loaded(log, coverage) };
}

async function databaseWithEvents(): Promise<string> {
  const db = join(tempDir(), 'herald.db');
  const t = testHerald(testConfig({ HERALD_DB_PATH: db }));
  t.chat.say('alice', '/whoami');
  await t.close();
  t.db.$client.close();
  return db;
}

describe('what each command loads', () => {
  let db: string;
  beforeAll(async () => {
    db = await databaseWithEvents();
  });

  const short: Array<[string, string[]]> = [
    ['herald --help', ['--help']],
    ['herald templates list', ['templates', 'list']],
    ['herald templates check', ['templates', 'check']],
    ['herald audit verify', ['audit', 'verify']],
    ['herald audit export', ['audit', 'export', '--format', 'json']],
  ];
  it.each(short)('%s loads no chat client library and no PostgreSQL worker', (_name, args) => {
    const r = run(args, { HERALD_DB_PATH: db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The log and the coverage are real: the bundle is in the one, its command-line parser in the other.
    expect(r.urls).toContain(pathToFileURL(BUNDLE).href);
    expect(r.bundled).toContain('node_modules/commander/index.js');
    for (const client of CHAT_CLIENTS) expect(r.packages, client).not.toContain(client);
    for (const part of POSTGRES) expect(r.urls.filter((u) => u.includes(part)), part).toEqual([]);
  });

  // The renderer's link finder (twitter-text) is for statements, which listing templates never renders.
  it('herald templates list loads no statement renderer', () => {
    const r = run(['templates', 'list'], { HERALD_DB_PATH: db });
    expect(r.code).toBe(0);
    expect(r.packages).toContain('handlebars');
    expect(r.packages).not.toContain('twitter-text');
  });

  // audit verify reads the environment and the database: no config file (yaml), no public-suffix list (tldts).
  it('herald audit verify loads neither the config file parser nor the link guard', () => {
    const r = run(['audit', 'verify'], { HERALD_DB_PATH: db });
    expect(r.code).toBe(0);
    expect(r.packages).toContain('zod');
    for (const lib of ['yaml', 'tldts', 'twitter-text', 'handlebars']) expect(r.packages, lib).not.toContain(lib);
  });

  it('the audit commands load the SQLite driver they read with', () => {
    expect(run(['audit', 'verify'], { HERALD_DB_PATH: db }).packages).toContain('better-sqlite3');
  });
});

describe('herald start', () => {
  let stage: Stage;
  beforeAll(async () => {
    stage = await Stage.open();
  }, 60_000);
  afterAll(async () => {
    await stage?.close();
  }, 30_000);

  it('loads all three chat client libraries once it connects to the platforms', async () => {
    const log = join(stage.dir, 'modules.log');
    const h = spawnHerald({ ...stage.world.env, HERALD_TEST_MODULE_LOG: log }, { dbPath: stage.dbPath, nodeArgs: ['--import', PRELOAD] });
    try {
      await h.ready;
    } finally {
      expect(await h.stop()).toBe(0);
    }
    const { packages } = loaded(log);
    for (const client of CHAT_CLIENTS) expect(packages, client).toContain(client);
  });
});
