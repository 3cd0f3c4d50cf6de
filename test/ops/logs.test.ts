import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { logStory } from '../../src/app/story';
import { createLogger } from '../../src/util/log';
import { testHerald } from '../support/herald';
import { testConfig } from '../support/config';
import { permanent, retryable } from '../support/publisher';
import { EXPLOIT_VARS } from '../support/vars';

// Logs that tell the story: one line per broadcast started, delivery sent, retried, failed and
// resumed, each with the draft, its incident, the target and the attempt.

interface Line {
  level: number;
  msg: string;
  draft?: number;
  incident?: number | null;
  target?: string;
  attempt?: number;
  retryInMs?: number;
  reason?: string;
  targets?: string[];
}

function captured() {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

let stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s();
  stops = [];
});

function publishSev1(h: ReturnType<typeof testHerald>) {
  h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
  h.chat.say('bob', '/approve #1');
  h.chat.say('carol', '/approve #1');
}

describe('the log of a broadcast', () => {
  it('says the broadcast started, each delivery sent, the retry with its wait and the failure with its reason', async () => {
    const h = testHerald();
    stops.push(() => h.close());
    const { log, lines } = captured();
    stops.push(logStory(h.herald.core, log));
    h.pubs.discord.script('discord-main', { error: retryable() });
    h.pubs.telegram.script('telegram-main', { error: permanent() });
    publishSev1(h);
    await h.herald.worker.idle();

    expect(lines.filter((l) => l.msg.startsWith('broadcast of #1 started'))).toEqual([
      expect.objectContaining({ level: 30, draft: 1, targets: ['discord-main', 'telegram-main', 'x'], msg: 'broadcast of #1 started (publish) to 3 targets' }),
    ]);
    const about = (target: string) => lines.filter((l) => l.target === target).map(({ level, msg, attempt }) => ({ level, msg, attempt }));
    expect(about('discord-main')).toEqual([
      { level: 40, attempt: 1, msg: expect.stringMatching(/^#1 to discord-main failed \(Discord answered 500 Internal Server Error\); retrying in \d+ ms$/) },
      { level: 30, attempt: 2, msg: '#1 sent to discord-main' },
    ]);
    expect(lines.find((l) => l.target === 'discord-main' && l.level === 40)!.retryInMs).toBeGreaterThan(0);
    expect(about('telegram-main')).toEqual([{ level: 50, attempt: 1, msg: '#1 to telegram-main failed for good: Telegram answered 403: bot was kicked from the channel chat' }]);
    expect(about('x')).toEqual([{ level: 30, attempt: 1, msg: '#1 sent to x' }]);
    // The sev1 statement opened incident 1; every line of its story names it.
    const story = lines.filter((l) => l.draft === 1);
    expect(story.length).toBe(5);
    expect(story.map((l) => l.incident)).toEqual(story.map(() => 1));
  });

  it('says which deliveries a restart resumes', async () => {
    const config = testConfig();
    const first = testHerald(config);
    // The process dies after the approval, before the worker sent anything.
    await first.herald.worker.stop();
    publishSev1(first);
    await first.close();

    const second = testHerald(config);
    stops.push(() => second.close());
    const { log, lines } = captured();
    stops.push(logStory(second.herald.core, log));
    expect(lines.map(({ msg, draft, incident, target, attempt }) => ({ msg, draft, incident, target, attempt }))).toEqual(
      ['discord-main', 'telegram-main', 'x'].map((target) => ({ msg: `resuming #1 to ${target} after a restart`, draft: 1, incident: 1, target, attempt: 1 })),
    );
  });
});
