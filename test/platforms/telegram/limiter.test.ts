import { describe, expect, it } from 'vitest';
import { Pacer, TELEGRAM_PACE } from '../../../src/platforms/telegram/limiter';

// herald's pacing under Telegram's limits, on a clock the test moves.

function pacer() {
  let now = 1_000_000;
  const p = new Pacer(TELEGRAM_PACE, () => now);
  return { p, advance: (ms: number) => void (now += ms) };
}

describe('Pacer', () => {
  it('spaces sends into one chat about a second apart, and other chats do not wait for it', () => {
    const { p } = pacer();
    expect(p.reserve('-100500', 60_000)).toMatchObject({ ok: true, waitMs: 0 });
    expect(p.reserve('-100500', 60_000)).toMatchObject({ ok: true, waitMs: 1050 });
    expect(p.reserve('-100500', 60_000)).toMatchObject({ ok: true, waitMs: 2100 });
    expect(p.reserve('@acmefinance', 60_000)).toMatchObject({ ok: true, waitMs: 0 });
  });

  it('lets at most 20 messages a minute into one group', () => {
    const { p, advance } = pacer();
    const waits: number[] = [];
    for (let i = 0; i < 21; i++) {
      const r = p.reserve('-100500', 120_000);
      waits.push(r.waitMs);
      advance(r.waitMs);
    }
    // The 21st waits until a minute after the first, not just a second after the 20th.
    expect(waits.slice(1, 20).every((w) => w === 1050)).toBe(true);
    expect(waits[20]).toBe(61_000 - 19 * 1050);
  });

  it('keeps to about 30 messages a second overall', () => {
    const { p } = pacer();
    const waits = Array.from({ length: 31 }, (_, i) => p.reserve(String(1000 + i), 60_000).waitMs);
    expect(waits.slice(0, 30).every((w) => w === 0)).toBe(true);
    expect(waits[30]).toBeGreaterThanOrEqual(1000);
  });

  it('a slot further away than the bound is refused and not reserved; a 429 pauses the chat', () => {
    const { p, advance } = pacer();
    p.reserve('-100500', 5000);
    expect(p.reserve('-100500', 500)).toEqual({ ok: false, waitMs: 1050 });
    advance(1050);
    expect(p.reserve('-100500', 500)).toMatchObject({ ok: true, waitMs: 0 });
    p.block('-100500', 7000);
    expect(p.reserve('-100500', 60_000).waitMs).toBe(7000);
  });

  it('measures the gap from Telegram\'s answer when it came late', () => {
    const { p, advance } = pacer();
    const first = p.reserve('-100500', 5000);
    advance(400);
    if (first.ok) p.settle('-100500', first.at);
    expect(p.reserve('-100500', 5000).waitMs).toBe(1050);
  });

  it('a send that wakes late for its slot takes a new one, so the sends reserved after it still never make 31 in a second', () => {
    let now = 0;
    const p = new Pacer(TELEGRAM_PACE, () => now);
    // A broadcast to 90 channels reserves every slot up front: 30 now, 30 about a second later, 30 a second after that.
    const slots = Array.from({ length: 90 }, (_, i) => ({ chat: `-100${i}`, ...(p.reserve(`-100${i}`, 60_000) as { at: number }) }));
    const sentAt: number[] = [];
    for (const [i, slot] of slots.entries()) {
      // Herald's loop was busy when the 45th's timer was due: it woke 111 ms late; the 46th 10 ms late, within the margin.
      now = slot.at + (i === 44 ? 111 : i === 45 ? 10 : 0);
      const again = p.recheck(slot.chat, slot.at);
      if (i === 45) expect(again).toEqual({ ok: true, waitMs: 0, at: slot.at });
      sentAt.push(now + again.waitMs);
    }
    expect(slots[44]!.at).toBe(1050);
    expect(sentAt[44]).toBeGreaterThan(1050 + 111);
    const inASecond = (t: number) => sentAt.filter((s) => s >= t && s < t + 1000).length;
    expect(Math.max(...sentAt.map(inASecond))).toBeLessThanOrEqual(30);
  });
});
