import { relative } from 'node:path';
import type { Config } from '../config/types';
import { SEVERITIES } from '../config/schema';
import { SANDBOX_PEOPLE } from './world';

export const TRY_FIRST = '/draft sev1/exploit-investigating affected="the USDC pool" next_update="in 30 minutes"';

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
export function sandboxBanner(options: { url: string; config: Config; reason: 'forced' | 'unconfigured'; cwd?: string }): string {
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
  if (config.drill) lines.push(`  DRILL:    every post is marked [${config.drill.label}]; each broadcast's timings are written to the log`);
  lines.push('', `  The team (${file}):`);
  for (const [name, p] of Object.entries(SANDBOX_PEOPLE)) {
    const roles = config.people[name]?.roles.join(', ');
    const ids = roles ? `Discord ${p.discord} · Telegram ${p.telegram}` : 'an outsider: herald refuses what they try';
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
    '  Try first, in the console:',
    '    1. As alice, in the Discord comms column, type',
    `       ${TRY_FIRST}`,
    '    2. As bob, press Approve; then as carol, press Approve (sev1 needs two approvers).',
    '    3. Watch the statement reach #announcements, the Telegram channel and X, with ✅ per delivery.',
    '    4. Set X to "Down" in the fault panel, draft again (Telegram works too), and see X retry until it is back.',
    '',
    '  Stop with Ctrl-C. To connect real platforms, fill in .env (see .env.example) and run herald start again.',
    '',
  );
  return lines.join('\n');
}
