import { afterEach, describe, expect, it } from 'vitest';
import { approvals } from '../../src/store/schema';
import { testHerald } from '../support/herald';
import { audited } from '../support/audit';
import { EXPLOIT_VARS, WEB_APP_VARS } from '../support/vars';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

describe('/approve and /show without a draft id', () => {
  it('with one open draft, use it and say so', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    const shown = h.chat.say('bob', '/show');
    expect(shown.replies[0]).toEqual({ type: 'text', text: 'Using #1, the only open draft.' });
    expect(shown.replies[1]).toMatchObject({ type: 'preview', view: { draftId: 1 } });
    expect(h.chat.say('bob', '/approve').text).toBe('Using #1, the only open draft. bob approved #1 (1 of 2); it needs 1 more.');
    expect(h.db.select().from(approvals).all().map((a) => [a.draftId, a.approver])).toEqual([[1, 'bob']]);
  });

  it('with no open draft, or several, names the open ones and what to type; nothing is approved', () => {
    h = testHerald();
    expect(h.chat.say('bob', '/approve').text).toBe('No draft is waiting for approval, so there is nothing to approve; /status lists recent broadcasts.');
    expect(h.chat.say('bob', '/show').text).toBe('No draft is open, so there is nothing to show; /status lists recent broadcasts, and /show #12 shows any draft.');
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    expect(h.chat.say('bob', '/approve').text).toBe('#1 and #2 are open; say which one, like /approve #2.');
    expect(h.chat.say('bob', '/show').text).toBe('#1 and #2 are open; say which one, like /show #2.');
    h.chat.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    expect(h.chat.say('bob', '/approve').text).toBe('#1, #2 and #3 are open; say which one, like /approve #3.');
    expect(h.db.select().from(approvals).all()).toEqual([]);
    expect(audited(h.db, 'command.refused').map((e) => e.data.code)).toEqual(['invalid_input', 'invalid_input', 'invalid_input', 'invalid_input', 'invalid_input']);
  });

  it('a closed draft is not open: after a cancel, the one left is used', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    h.chat.say('alice', '/cancel #1');
    expect(h.chat.say('bob', '/approve').text).toBe('Using #2, the only open draft. bob approved #2 (1 of 1). Broadcasting now.');
  });

  it('is still bound to what this chat was shown: a Telegram /approve of a draft only Discord saw is refused with the preview, then counts', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    const refused = h.telegram.say('bob', '/approve');
    expect(refused.replies[0]).toEqual({ type: 'text', private: true, text: '#1 has not been shown here yet, so nothing was approved; read the preview below, then /approve #1 again.' });
    expect(refused.replies[1]).toMatchObject({ type: 'preview', view: { draftId: 1 } });
    expect(h.db.select().from(approvals).all()).toEqual([]);
    // The preview it was just shown is what the next id-less /approve approves.
    expect(h.telegram.say('bob', '/approve').text).toBe('Using #1, the only open draft. bob approved #1 (1 of 2); it needs 1 more.');
  });
});
