import { afterEach, describe, expect, it } from 'vitest';
import { COMMS_ID, containing, startWorld, type World } from './world';

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
