import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { createKeyFile, type SigningKey } from '../../src/trust/keys';
import { tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import type { FakeClock } from '../support/clock';
import type { Config } from '../../src/config/types';

export const at = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00.000Z`);
export const EXPLOIT = 'affected="the USDC lending pool on Ethereum" funds_status="Funds in all other Acme pools are not affected." user_action="Do not deposit into any Acme pool." next_update="in 30 minutes"';
export const FUNDS = 'incident="the exploit of the USDC lending pool" confirmed_impact="1,204,530 USDC was taken from the pool." next_update="in 1 hour"';
const RESOLVED = 'resolution="The vulnerable contract was replaced by a fixed version."';
/** What each of the three statements says that the others do not. */
export const SAYS = ['the USDC lending pool on Ethereum', '1,204,530 USDC was taken from the pool.', 'The vulnerable contract was replaced by a fixed version.'];

export type SiteHerald = ReturnType<typeof testHerald> & { dir: string; key: SigningKey; file(path: string): string };

/**
 * A signing herald that builds its status site into a temp folder (its trust runner started), on
 * a FakeClock at 14:00 UTC unless given one, on `config` (testConfig's by default). `again` starts it again on an earlier one's config
 * (database, key, site folder) instead of a fresh one.
 */
export function siteHerald(options: { clock?: FakeClock; again?: SiteHerald; config?: Config } = {}): SiteHerald {
  const config = options.again?.config ?? { ...(options.config ?? testConfig()), statusSite: { dir: join(tempDir(), 'status-site') } };
  const dir = config.statusSite!.dir;
  const key = options.again?.key ?? createKeyFile(config.paths.signingKey);
  const t = testHerald(config, options.clock ? { clock: options.clock } : {});
  t.herald.trust.start();
  return { ...t, dir, key, file: (p) => readFileSync(join(dir, p), 'utf8') };
}

type TrustingHerald = Pick<ReturnType<typeof testHerald>, 'chat' | 'herald'>;

/** bob and carol approve draft `id` (a sev1's two approvals); resolves once it is delivered, signed and on the site. */
export async function approve(t: TrustingHerald, id: number): Promise<void> {
  t.chat.say('bob', `/approve #${id}`);
  t.chat.say('carol', `/approve #${id}`);
  await t.herald.worker.idle();
  await t.herald.trust.idle();
}

/** alice drafts a sev1 statement as draft `id`, and it is approved as `approve` does. */
export async function publish(t: TrustingHerald, text: string, id: number): Promise<void> {
  t.chat.say('alice', text);
  await approve(t, id);
}

/**
 * The incident of three statements: the exploit at 14:00 (promising 14:30), the funds update at
 * 14:35 (late; promising 15:35) and the resolution at 15:40. `between` runs after the first one.
 */
export async function threeStatements(t: SiteHerald, between?: () => Promise<void>): Promise<void> {
  await publish(t, `/draft sev1/exploit-investigating ${EXPLOIT}`, 1);
  await between?.();
  t.clock.set(at('14:35'));
  await publish(t, `/draft sev1/funds-update ${FUNDS}`, 2);
  t.clock.set(at('15:40'));
  await publish(t, `/draft sev1/resolved ${RESOLVED}`, 3);
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.atom': 'application/atom+xml', '.rss': 'application/rss+xml' };

/** The site's folder served over loopback, as any static web server would serve it. */
export async function serveSite(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
