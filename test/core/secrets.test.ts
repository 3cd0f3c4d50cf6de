import { Writable } from 'node:stream';
import { FakeClock } from '../support/clock';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/log';
import { redact, registerSecret } from '../../src/util/redact';
import { testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { auditEvents } from '../../src/store/schema';
import { HeraldError } from '../../src/core/errors';
import { publishers } from '../support/publisher';
import { EXPLOIT_VARS } from '../support/vars';

const TOKEN = '7000000001:AAH' + 'q'.repeat(32);
const X_SECRET = 'x-secret-' + 'z'.repeat(30);

describe('secrets', () => {
  it('never reach a log line, also not through an error object carrying the request URL', () => {
    registerSecret(X_SECRET);
    let out = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
    const log = createLogger('info', sink);
    const err = Object.assign(new Error(`request to http://127.0.0.1/bot${TOKEN}/sendMessage failed`), { config: { headers: { Authorization: `OAuth oauth_consumer_secret=${X_SECRET}` } } });
    log.error({ err, url: `https://api.telegram.org/bot${TOKEN}/getMe` }, `failed with ${X_SECRET}`);
    expect(out).toContain('sendMessage failed');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(X_SECRET);
    expect(out).not.toContain('q'.repeat(32));
    expect(redact(`bot${TOKEN}/x`)).toBe('bot[redacted]/x');
  });

  it('never reach the audit log, even when a platform error quotes one', async () => {
    const config = testConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_COMMS_CHAT_ID: '-1000000000500' });
    const pubs = publishers();
    pubs.telegram.script('telegram-main', { error: new HeraldError('platform_rejected', `POST https://api.telegram.org/bot${TOKEN}/sendMessage: 403 Forbidden`, { retryable: false }) });
    const { herald, chat } = testHerald(config, { pubs });
    chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    chat.say('bob', '/approve #1');
    chat.say('carol', '/approve #1');
    await herald.worker.idle();
    const dump = JSON.stringify(herald.core.db.select().from(auditEvents).all());
    expect(dump).toContain('403 Forbidden');
    expect(dump).not.toContain(TOKEN);
    await herald.close();
  });
});
