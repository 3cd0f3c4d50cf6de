import { relative } from 'node:path';
import type { Config } from '../config/types';
import { SEVERITIES } from '../config/schema';
import { SANDBOX_PEOPLE } from './world';

/** The incident the README's "Try first" walks: these exact lines, so the banner, the console and the tests agree. */
export const TRY_FIRST = '/draft sev1/exploit-investigating affected="the USDC pool" next_update="in 30 minutes"';
export const TRY_HOLD = '/hold 1 next_update="in 30 minutes"';
export const TRY_RESOLVE = '/draft sev1/resolved incident="the security incident affecting the USDC pool" resolution="The vulnerable contract was replaced by an audited fix."';

const WHERE: Record<string, (t: Config['targets'][string]) => string> = {
  discord: () => 'Discord #announcements',
  telegram: () => 'Telegram channel @acme_announcements',
  x: () => 'X @acmefinance',
};

/**
 * What `herald start` prints in the sandbox: why it is a sandbox, the console's address, the
 * sandbox config it generated (the team and its roles, the official domains, where statements
 * go), and what to try first.
 */
export function sandboxBanner(options: { url: string; config: Config; reason: 'forced' | 'unconfigured'; cwd?: string; fastClock?: number }): string {
  const { config, url } = options;
  const shown = (path: string) => {
    const r = relative(options.cwd ?? process.cwd(), path);
    return r.startsWith('..') ? path : r;
  };
  const file = config.paths.configFile ? shown(config.paths.configFile) : 'the sandbox config';
  const why =
    options.reason === 'forced'
      ? 'herald sandbox (--sandbox): herald runs against its own local Discord, Telegram and X.'
      : 'herald sandbox: no Discord, Telegram or X credentials are configured, so herald runs against its own local Discord, Telegram and X.';
  const lines = [
    '',
    why,
    'No accounts are needed and nothing leaves this machine.',
    '',
    `  Console:  ${url}`,
  ];
  const db = shown(config.paths.db);
  lines.push(`  Log:      ${db}, fresh on every start (HERALD_DB_PATH=${db} npx herald audit export)`);
  if (options.fastClock) lines.push(`  Clock:    sandbox time runs ${options.fastClock}× faster (--fast-clock): a promise "in 30 minutes" is due in ${Math.round(1800 / options.fastClock)} s`);
  if (config.drill) lines.push(`  DRILL:    every post is marked [${config.drill.label}]; each broadcast's timings are written to the log`);
  lines.push('', `  The team (${file}):`);
  for (const [name, p] of Object.entries(SANDBOX_PEOPLE)) {
    const roles = config.people[name]?.roles.join(', ');
    const ids = roles ? `Discord ${p.discord} · Telegram ${p.telegram}` : 'a community member: herald refuses what they try in the comms chats';
    lines.push(`    ${name.padEnd(8)} ${(roles || 'no role').padEnd(10)} ${ids}`);
  }
  const urls = config.officialUrls.length ? `, and exactly ${config.officialUrls.join(', ')}` : '';
  lines.push('', `  Official domains: ${config.officialDomains.join(', ')} (and their subdomains)${urls}`);
  lines.push(`  Targets: ${Object.values(config.targets).map((t) => `${t.id} (${WHERE[t.platform]!(t)})`).join(', ')}`);
  lines.push('  Policies:');
  for (const sev of SEVERITIES) {
    const p = config.policies[sev];
    lines.push(`    ${sev}  ${p.approvals} approval${p.approvals > 1 ? 's' : ' '} → ${p.targets.join(', ')}`);
  }
  lines.push(
    '',
    '  Try first, in the console: one incident, from the exploit to its close.',
    '    1. As alice, in the Discord comms column, type',
    `       ${TRY_FIRST}`,
    '       The preview says where it goes and when the next update is due, as a time.',
    '    2. As bob, press Approve #1; then as carol (sev1 needs two approvers).',
    '    3. See it on #announcements, the Telegram channel and X, with ✅ per delivery.',
    `    4. Wait for herald's reminder in both comms chats ("… is due in 15 min"): ${options.fastClock ? `in about ${Math.round(900 / options.fastClock)} s` : 'in 15 minutes (start with --fast-clock to see it in 30 s)'}.`,
    `    5. Keep the promise: as alice, ${TRY_HOLD} (in either comms chat); bob approves (a holding update needs one).`,
    '    6. Resolve it, as alice, then approved by bob and carol; this statement closes incident 1:',
    `       ${TRY_RESOLVE}`,
    '       /incident 1 shows its timeline and the promises kept (/incident close 1 ends one with nothing to announce).',
    '    7. In the Discord and Telegram columns\' community tabs: as mallory ask "are my funds safe?"; as dave, answer',
    '       with Apps ▸ Answer with FAQ on Discord, or Reply with /faq funds-safe on Telegram.',
    '    8. Set X to "Down" in the fault panel, draft again, and see X retry until it is back.',
    '',
    '  Stop with Ctrl-C. To connect real platforms, fill in .env (see .env.example) and run herald start again.',
    '',
  );
  return lines.join('\n');
}
