import { Stage, SANDBOX_IDS } from '../test/e2e/support/stage';
import { LATENCY } from './fanout';
import { sleep, say } from './stats';

const vars = (n: number) => `affected="the swap page (run ${n})" impact="Swaps fail to submit." funds_status="Your funds are not affected." next_update="in 2 hours"`;
async function main() {
  const gaps = (process.env.GAPS ?? '3200,3200,3200,6000,6000,6000').split(',').map(Number);
  const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
  const s = await Stage.open({ latencyMs: LATENCY });
  try {
    await s.start(nodeArgs);
    const w = s.world;
    let n = 0;
    for (const gap of gaps) {
      n++;
      const id = await s.draft('discord', 'sev2/degraded-service', vars(n));
      await sleep(gap);
      const tg = w.telegram.requests.length, xr = w.x.requests.length, dr = w.discord.requests.length;
      const t0 = Date.now();
      s.telegramCommand('bob', `/approve ${id} r1`);
      await s.until(() => w.x.requests.length > xr && w.x.requests[xr]!.status !== undefined, 'x');
      await s.settled(id, 30_000);
      const tgr = w.telegram.requests.slice(tg);
      const upd = tgr.find((r) => r.method === 'getUpdates');
      const reply = tgr.find((r) => r.method === 'sendMessage' && String((r.params as any).chat_id) === String(SANDBOX_IDS.telegramComms));
      const post = tgr.find((r) => r.method === 'sendMessage' && String((r.params as any).chat_id) !== String(SANDBOX_IDS.telegramComms));
      const dpost = w.discord.requests.slice(dr).find((r) => r.method === 'POST' && r.route === '/channels/:channel_id/messages');
      say(`gap ${gap}: next getUpdates +${upd ? upd.at - t0 : '-'} reply +${reply ? reply.at - t0 : '-'} tgpost +${post ? post.at - t0 : '-'} discord +${dpost ? dpost.at - t0 : '-'} x +${Date.parse(w.x.requests[xr]!.at as string) - t0}`);
    }
  } finally {
    await s.close();
  }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
