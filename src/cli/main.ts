import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, UsageError } from './failure';
import type * as AuditCli from './audit';
import { DEFAULT_FAST_CLOCK, MAX_FAST_CLOCK } from '../sandbox/clock';

// Each command loads its own modules when it runs: `herald audit verify` or a typo answers
// without loading the bot's whole core first.
const startCommand = () => import('./start');
const templatesCommands = () => import('./templates');
const auditCommands = () => import('./audit');
const trustCommands = () => import('./trust');

/** Every mistake is one line: commander's own messages too (its "Did you mean" joins the line). */
const oneLine = (message: string) => message.trim().replace(/^error: /, '').split('\n').join(' ').replace(/\.$/, '');

/** Exit codes (src/cli/failure.ts, README): 0 fine, 1 a problem or bad setting, 2 usage, 3 a platform at start, 4 a bad file, 70 a fault. */
const program = new Command('herald')
  .description('Crisis communications for DeFi teams: vetted templates, approvals, one statement on Discord, Telegram and X.')
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(`herald: ${oneLine(s)}; herald --help lists the commands\n`) });

/** A command group run without one of its commands, or with an unknown one. */
const needsCommand = (group: Command) =>
  group.allowExcessArguments().action((_options: unknown, cmd: Command) => {
    const names = cmd.commands.map((c) => c.name()).join(', ');
    const first = cmd.args[0];
    throw new UsageError(`${first ? `unknown command '${first}' for herald ${cmd.name()}` : `herald ${cmd.name()} needs a command`}; expected one of ${names} (herald ${cmd.name()} --help)`);
  });

program
  .command('start')
  .description('run the bot server (applies pending migrations first); with no platform configured, the sandbox')
  .option('--sandbox', 'run against local Discord, Telegram and X emulators with a live web console (the default when no platform is configured)')
  .option('--drill', 'rehearse: post only to the drill targets in the config file, mark every post as a drill, log the timings')
  .option('--fast-clock [factor]', `sandbox only: sandbox time runs faster (default ${DEFAULT_FAST_CLOCK}×), so a promise's reminder comes within a minute`, fastClockFactor)
  .action(async (options: { sandbox?: boolean; drill?: boolean; fastClock?: number | true }) => (await startCommand()).start(options));

function fastClockFactor(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > MAX_FAST_CLOCK) throw new InvalidArgumentError(`expected a whole number from 2 to ${MAX_FAST_CLOCK}, such as ${DEFAULT_FAST_CLOCK}.`);
  return n;
}

const templates = program.command('templates').description('the template library');
templates
  .command('check')
  .argument('[dir]', 'template folder to check (default: HERALD_TEMPLATES_DIR or ./templates)')
  .description('validate every template and FAQ entry; prints file:line: problem, exits 1 on any')
  .action(async (dir?: string) => (await templatesCommands()).templatesCheck(dir));
templates
  .command('list')
  .description('templates by severity with their variables')
  .action(async () => (await templatesCommands()).templatesList());
needsCommand(templates);

const time = (value: string) => {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected a date or time such as 2026-11-24 or 2026-11-24T14:00Z.');
  return new Date(t).toISOString();
};
const draftNumber = (value: string) => {
  const m = /^#?(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected a draft id such as 12 or #12.');
  return Number(m[1]);
};

const audit = program.command('audit').description('the append-only, hash-chained log');
audit
  .command('verify')
  .description('walk the hash chain; print the first broken row and exit 1; with --against, also prove nothing was cut or rewritten since a signed checkpoint')
  .option('--against <file-or-url>', "a checkpoint file (HERALD_CHECKPOINTS_FILE), or a status site (its folder or URL, or its .well-known/herald.json)")
  .action(async (options: { against?: string }) => (options.against ? (await trustCommands()).auditVerifyAgainst(options.against) : (await auditCommands()).auditVerify()));
audit
  .command('export')
  .description('the log for review; md is a readable incident timeline')
  .addOption(new Option('--format <format>', 'output format').choices(['md', 'json', 'csv']).default('md'))
  .option('--since <time>', 'only events at or after this time', time)
  .option('--until <time>', 'only events at or before this time', time)
  .option('--draft <id>', 'only the events of this draft', draftNumber)
  .action(async (options: Parameters<typeof AuditCli.auditExport>[0]) => (await auditCommands()).auditExport(options));
audit
  .command('checkpoint')
  .description("sign the audit log's current head (row, hash, time), add it to HERALD_CHECKPOINTS_FILE and print it")
  .action(async () => (await trustCommands()).auditCheckpoint());
needsCommand(audit);

const incidentCli = program.command('incident').description('incidents and their review');
incidentCli
  .command('report')
  .argument('<id>', 'the incident, as /incident lists it', (value: string) => {
    const m = /^#?(\d+)$/.exec(value);
    if (!m) throw new InvalidArgumentError('expected an incident id such as 3.');
    return Number(m[1]);
  })
  .description('the post-incident communication review of one incident (Markdown, or its figures as json)')
  .addOption(new Option('--format <format>', 'output format').choices(['md', 'json']).default('md'))
  .action(async (id: number, options: { format: 'md' | 'json' }) => (await import('./incident')).incidentReportCommand(id, options.format));
needsCommand(incidentCli);

const keys = program.command('keys').description("herald's Ed25519 signing key");
keys
  .command('init')
  .description('create the signing key at HERALD_SIGNING_KEY_FILE (owner-only); never replaces an existing one (exit 1)')
  .action(async () => (await trustCommands()).keysInit());
keys
  .command('rotate')
  .description('replace the signing key with a new one, announced signed by the old; the old public key stays so its signatures still verify')
  .action(async () => (await trustCommands()).keysRotate());
needsCommand(keys);

program
  .command('verify')
  .description("read a statement's text on stdin; exit 0 and say which statement when herald signed it, 1 when not")
  .option('--site <dir-or-url>', "check against a published status site's keys and signatures instead of herald's database")
  .action(async (options: { site?: string }) => (await trustCommands()).verifyCommand(options));

program
  .command('backup')
  .argument('<file>', 'where to write the copy')
  .option('--force', 'replace the file if it exists')
  .description("write a consistent copy of herald's database, also while herald runs (SQLite's online backup)")
  .action(async (file: string, options: { force?: boolean }) => (await import('./backup')).backup(file, options));

// No top-level await: dist/ is CommonJS (scripts/build.mjs says why), which has none.
void (async () => {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    const { line, code } = (await import('./describe-failure')).describeFailure(err);
    process.stderr.write(`herald: ${line}\n`);
    process.exit(code);
  }
})();
