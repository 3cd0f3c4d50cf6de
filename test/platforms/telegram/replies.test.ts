import { afterEach, describe, expect, it } from 'vitest';
import { EXPLOIT_VARS } from '../../support/vars';
import { COMMS_ID, containing, startWorld, withBackticks, type World } from './world';

// herald's replies mark what a person typed as `code`; Telegram parses no markup, so the
// backticks must become code entities rather than arrive as literal characters.

let w: World;
afterEach(async () => w?.close());

describe('a reply with a `code` span', () => {
  it('arrives without backticks, with a code entity over the span at its UTF-16 offset', async () => {
    w = await startWorld();
    const typed = 'Acme 🚨 soon';
    const asked = w.say('alice', `/draft sev1/exploit-investigating affected="the pool" next_update="${typed}"`);
    const reply = await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'as a time')[0]);
    expect(reply.reply_to_message_id).toBe(asked.message!.message_id);
    expect(reply.text).toMatch(/^herald cannot read Acme 🚨 soon as a time; give one like /);
    expect(reply.text).not.toContain('`');
    const code = reply.entities.filter((e) => e.type === 'code');
    // 'Acme 🚨 soon' is 12 UTF-16 units (the emoji is two), 11 code points: the entity counts units.
    expect(code).toEqual([{ type: 'code', offset: 'herald cannot read '.length, length: 12 }]);
    expect(reply.text.slice(code[0]!.offset, code[0]!.offset + code[0]!.length)).toBe(typed);
  });
});

describe('a preview header and a notice with a `code` span', () => {
  it('arrive without backticks, with a code entity over the span, in the header as edited and in the notice as posted', async () => {
    w = await startWorld();
    w.herald.reminders.start();
    w.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    // herald paces its messages into the group; the preview's statement is shown before the next step.
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'Telegram, as posted:')[0]);
    w.say('bob', '/approve #1 break-glass "the `pool` is draining"');
    const header = await w.emu.waitFor(() => (w.header(1)?.text.includes('🔓 Break glass') ? w.header(1) : undefined));
    await w.herald.reminders.idle();
    const notice = await w.emu.waitFor(() => containing(w.shown(COMMS_ID), '🔓 Break glass: bob published #1')[0]);
    for (const m of [header, notice]) {
      expect(m.text).toContain('"the pool is draining"');
      expect(m.text).not.toContain('`');
      const code = m.entities.filter((e) => e.type === 'code');
      expect(code.map((e) => m.text.slice(e.offset, e.offset + e.length))).toEqual(['pool']);
      expect(withBackticks(m)).toContain('"the `pool` is draining"');
    }
  });
});
