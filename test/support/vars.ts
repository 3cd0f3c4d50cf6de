/** Template values the tests draft with, written once. */

/** sev1/exploit-investigating (and sev2/exploit-contained), filled the way a drafter would. */
export const EXPLOIT_VARS = 'affected="the USDC lending pool on Ethereum" next_update="within 60 minutes (by 15:00 UTC)"';

/** sev1/frontend-compromised (a drainer on the official site). */
export const FRONTEND_VARS = 'affected_site="our web app" next_update="by 16:00 UTC"';

/** sev1/account-compromised filled so that it renders to about 3,000 characters: two Discord messages. */
export const LONG_VARS = [
  'compromised_channel="our X account"',
  'since="2026-01-01 10:00 UTC"',
  'trusted_channels="our Discord announcements channel"',
  'next_update="in 1 hour"',
  `protocol_status="${'The protocol is not affected. '.repeat(32).trim()}"`,
  `recovery_status="${'We are working with X support. '.repeat(24).trim()}"`,
].join(' ');

/** Values for sev1/exploit-investigating whose X variant is a thread of three, with CJK text and a link. */
export const THREAD_VALUES = {
  affected: '以太坊上的USDC借贷池 (the USDC lending pool on Ethereum)',
  next_update: '60分钟内 (by 15:00 UTC)',
  user_action: '请不要向任何Acme资金池存款，直到另行通知。Do not deposit into any Acme pool until further notice, and do not sign any transaction that asks for an approval.',
};

export const THREAD_VARS = Object.entries(THREAD_VALUES)
  .map(([k, v]) => `${k}="${v}"`)
  .join(' ');

/** sev2/degraded-service as the sandbox console's second statement types it. */
export const DEGRADED_VARS =
  'affected="the Acme web app" impact="Pages load slowly and some transactions fail to submit." funds_status="Your funds are not affected." next_update="within 2 hours"';

/** sev2/degraded-service in a few words: one message per platform, published on one approval. */
export const WEB_APP_VARS = 'affected="our web app" impact="Pages load slowly." funds_status="Your funds are not affected." next_update="by 16:00 UTC"';

/** sev1/exploit-investigating for a herald on the real clock (a `herald start` process): a promise that is always ahead. */
export const LIVE_EXPLOIT_VARS = 'affected="the USDC lending pool on Ethereum" next_update="in 2 hours"';

/** One incident told in three statements (sev1/exploit-investigating → sev1/funds-update → sev1/resolved) on the FakeClock's 14:00 UTC. */
export const INCIDENT_EXPLOIT_VARS =
  'affected="the USDC lending pool on Ethereum" funds_status="Funds in all other Acme pools are not affected." user_action="Do not deposit into any Acme pool." next_update="in 30 minutes"';
/** The funds update: `incident` is shared, so the resolved statement after it need not retype it. */
export const INCIDENT_FUNDS_VARS = 'incident="the exploit of the USDC lending pool" confirmed_impact="1,204,530 USDC was taken from the pool." next_update="in 1 hour"';
export const INCIDENT_RESOLVED_VARS = 'resolution="The vulnerable contract was replaced by a fixed version."';
