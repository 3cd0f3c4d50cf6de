import { afterEach, describe, expect, it } from 'vitest';
import { buildView, headerText, MANY_TARGETS } from '../../src/core/previews/view';
import type { Config } from '../../src/config/types';
import { testHerald } from '../support/herald';
import { testConfig } from '../support/config';
import { permanent } from '../support/publisher';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

/** The test config with `n` more Discord announcement channels and `n` more Telegram channels on sev2. */
function wide(n: number): Config {
  const config = testConfig();
  const added: string[] = [];
  for (let i = 1; i <= n; i++) {
    config.targets[`discord-${i}`] = { ...config.targets['discord-main']!, id: `discord-${i}`, channel: String(4000 + i) } as Config['targets'][string];
    config.targets[`telegram-${i}`] = { ...config.targets['telegram-main']!, id: `telegram-${i}`, chat: `@acme_channel_${i}` } as Config['targets'][string];
    added.push(`discord-${i}`, `telegram-${i}`);
  }
  config.policies.sev2 = { ...config.policies.sev2, targets: [...config.policies.sev2.targets, ...added] };
  return config;
}

const VARS = 'affected="the swap page" impact="Swaps fail to submit." funds_status="Your funds are not affected." next_update="by 16:00 UTC"';

describe('a preview for a hundred channels', () => {
  it('counts the targets by platform and still fits one Telegram message, then names only what is not sent yet', async () => {
    h = testHerald(wide(100));
    h.pubs.telegram.script('telegram-7', { error: permanent() });
    const shown = h.telegram.say('alice', `/draft sev2/degraded-service ${VARS}`).text;
    expect(shown.length).toBeLessThanOrEqual(4096);
    expect(shown).toContain('• 101 on Discord (discord-main, discord-1, discord-2, … and 98 more): no @everyone, pinned');
    expect(shown).toContain('• 101 on Telegram (telegram-main, telegram-1, telegram-2, … and 98 more): pinned');
    expect(shown).toContain('• 1 on X (x): X has no pins or @everyone');

    h.telegram.say('bob', '/approve #1');
    await h.herald.worker.idle();
    const header = headerText(buildView(h.herald.core, h.db, 1));
    expect(header.length).toBeLessThanOrEqual(4096);
    expect(header).toContain('Discord, 101 targets: ✅ 101 sent');
    expect(header).toContain('Telegram, 101 targets: ✅ 100 sent · ❌ 1 failed');
    expect(header).toContain('X, 1 target: ✅ 1 sent');
    // The one that needs someone is named, with why and what to do.
    expect(header).toMatch(/❌ telegram-7 \(Telegram\) — .+; not retried; fix the cause, then \/retry #1/);
    expect(header).not.toMatch(/✅ discord-1 \(/);
  });

  it(`keeps one line a target up to ${MANY_TARGETS} targets`, () => {
    h = testHerald(wide(4));
    const shown = h.telegram.say('alice', `/draft sev2/degraded-service ${VARS}`).text;
    expect(shown).toContain('• discord-4 on Discord: no @everyone, pinned');
    expect(shown).toContain('• telegram-4 on Telegram: pinned');
  });
});
