import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HeraldError } from '../../../src/core/errors';
import type { SendRequest } from '../../../src/core/delivery/publisher';
import { DEFAULT_X_CREDENTIALS, DEFAULT_X_USER } from '@herald/emulators/x';
import { createLogger } from '../../../src/util/log';
import { formatWait } from '../../../src/core/delivery/backoff';
import { livePosts, postRequests, xSetup, type XSetupOptions } from './helpers';

let setup: Awaited<ReturnType<typeof xSetup>>;
afterEach(async () => {
  await setup?.adapter.stop();
  await setup?.emu.close();
});

async function start(opts: XSetupOptions = {}) {
  setup = await xSetup(opts);
  return setup;
}

const req = (text: string, extra: Partial<SendRequest> = {}): SendRequest => ({
  target: setup.config.targets['x']!,
  deliveryId: 1,
  index: 0,
  total: 1,
  content: text,
  nonce: 'n',
  policy: { pingEveryone: false, pin: false },
  ...extra,
});

const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable('expected a failure'), (e: unknown) => e as HeraldError);
const SECRETS = Object.values(DEFAULT_X_CREDENTIALS);

describe('X publisher', () => {
  it('links each post at x.com under the account name, asking X who it is only once', async () => {
    const { emu, publisher } = await start();
    const a = await publisher.send(req('First.'));
    const b = await publisher.send(req('Second.'));
    expect([a.url, b.url]).toEqual([`https://x.com/${DEFAULT_X_USER.username}/status/${a.messageId}`, `https://x.com/${DEFAULT_X_USER.username}/status/${b.messageId}`]);
    expect(emu.requests.filter((r) => r.path === '/2/users/me')).toHaveLength(1);
  });

  it('posts with an OAuth 2.0 user token instead of the OAuth 1.0a keys', async () => {
    const { emu, publisher } = await start({
      emulator: { credentials: { bearerUserToken: 'oauth2-user-token-for-tests' } },
      env: (e) => ({ X_OAUTH2_USER_TOKEN: 'oauth2-user-token-for-tests', X_API_URL: e.baseUrl }),
    });
    await publisher.send(req('Posted with OAuth 2.0.'));
    expect(livePosts(emu).map((p) => p.text)).toEqual(['Posted with OAuth 2.0.']);
    expect(postRequests(emu)[0]!.auth).toBe('bearer');
  });

  it('a text already on the account is recorded as that post, and nothing is posted twice', async () => {
    const { emu, publisher } = await start();
    const first = await publisher.send(req('The pool is paused.'));
    await publisher.send(req('Something else in between.'));
    const again = await publisher.send(req('The pool is paused.'));
    expect(again).toEqual(first);
    expect(livePosts(emu).filter((p) => p.text === 'The pool is paused.')).toHaveLength(1);
  });

  it('a duplicate it cannot look up is a permanent failure that says where to check', async () => {
    const { emu, publisher } = await start();
    await publisher.send(req('Already up.'));
    emu.injectFault({ method: 'GET', path: `/2/users/${DEFAULT_X_USER.id}/tweets` }, { kind: 'forbidden' });
    const err = await failure(publisher.send(req('Already up.')));
    expect(err).toMatchObject({ code: 'platform_rejected', retryable: false });
    expect(err.message).toMatch(/duplicate/);
    expect(err.message).toContain(`https://x.com/${DEFAULT_X_USER.username}`);
  });

  it('the usage cap is a permanent failure with the reason, not a wait', async () => {
    const { emu, publisher } = await start();
    await publisher.account();
    emu.injectFault({ method: 'POST', path: '/2/tweets' }, { kind: 'usageCap', period: 'Monthly', scope: 'Product' });
    const err = await failure(publisher.send(req('Capped.')));
    expect(err).toMatchObject({ code: 'platform_rejected', retryable: false, status: 429 });
    expect(err.message).toMatch(/^X usage cap reached for this app \(monthly\); posts resume when the cap resets/);
  });

  it("the account's 24-hour posting limit asks for a wait until its reset", async () => {
    const { publisher } = await start({ emulator: { enforceLimits: true, limits: { postTweetsPer24h: 1 } } });
    await publisher.send(req('The one post of the day.'));
    const err = await failure(publisher.send(req('One too many.')));
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(23 * 3600_000);
    expect(err.message).toMatch(/24-hour posting limit for this account is used up \(1 posts\); it resets at/);
  });

  it('rejected credentials fail at once, naming the settings to check and none of their values', async () => {
    const lines: string[] = [];
    const log = createLogger('debug', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    // The emulator knows other keys than the ones herald was given: every request is a 401.
    const { publisher } = await start({ log, emulator: { credentials: { ...DEFAULT_X_CREDENTIALS, accessToken: '1790000000000000001-revokedToken' } } });
    const err = await failure(publisher.send(req('Never posted.')));
    expect(err).toMatchObject({ code: 'platform_rejected', retryable: false, status: 401 });
    expect(err.message).toContain('X_ACCESS_TOKEN');
    // The adapter's start-up check met the same 401 and logged it.
    const logged = lines.join('');
    expect(logged).toMatch(/could not confirm the account/);
    expect(logged).toMatch(/401 Unauthorized/);
    for (const s of SECRETS) {
      expect(err.message).not.toContain(s);
      expect(logged).not.toContain(s);
    }
  });

  it('a server that never answers fails within the request bound as a retryable network error', async () => {
    const { emu, publisher } = await start({ delivery: { request_timeout_ms: 1_000 } });
    await publisher.account();
    emu.injectFault({ method: 'POST', path: '/2/tweets' }, { kind: 'hang' });
    const err = await failure(publisher.send(req('Into the void.')));
    expect(err).toMatchObject({ code: 'network', retryable: true });
    // Given up at the configured bound, while X still had not answered.
    expect(err.message).toMatch(/X did not answer the post within/);
    expect(err.message).toContain(`within ${formatWait(1_000)}`);
    expect(postRequests(emu).map((r) => [r.fault, r.status])).toEqual([['hang', undefined]]);
  });

  it('cannot edit: X posts are corrected by a reply, so edit() refuses', async () => {
    const { emu, publisher } = await start();
    const sent = await publisher.send(req('Original.'));
    expect(publisher.editsInPlace).toBe(false);
    const err = await failure(publisher.edit({ target: setup.config.targets['x']!, message: sent, content: 'Changed.', index: 0, total: 1 }));
    expect(err).toBeInstanceOf(HeraldError);
    expect(livePosts(emu).map((p) => p.text)).toEqual(['Original.']);
  });

  it('deleting a post that was never there, or is gone, succeeds', async () => {
    const { publisher } = await start();
    await publisher.remove({ target: setup.config.targets['x']!, message: { messageId: '1790000000000000999' } });
  });

  it('a 5xx on delete is retryable; the delete then goes through', async () => {
    const { emu, publisher } = await start();
    const sent = await publisher.send(req('To delete.'));
    emu.injectFault({ method: 'DELETE' }, { kind: 'status', status: 500 });
    const err = await failure(publisher.remove({ target: setup.config.targets['x']!, message: sent }));
    expect(err).toMatchObject({ retryable: true, status: 500 });
    await publisher.remove({ target: setup.config.targets['x']!, message: sent });
    expect(livePosts(emu)).toEqual([]);
  });
});
