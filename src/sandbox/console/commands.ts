import { SEVERITIES } from '../../config/schema';
import { usage } from '../../core/commands/define';
import { COMMANDS } from '../../core/commands/definitions';
import { splitCommandText } from '../../core/commands/parse';
import { optionName } from '../../platforms/discord/commands';

export type DiscordInput =
  /** A slash command as Discord's client sends it: one value per option, named as herald registered them. */
  | { kind: 'command'; name: string; options: Record<string, string> }
  /** Plain chat in the channel: no command, herald does not read it. */
  | { kind: 'chat'; text: string }
  /** What Discord's client would not let a member send, and why. */
  | { kind: 'refused'; message: string };

/**
 * Reads a line typed in the console's Discord composer the way a member fills in herald's slash
 * command: `/draft sev1/x a=b c="d e"` becomes /draft with template `sev1/x` and vars `a=b c="d e"`.
 * The words go to options by the command layer's own text rule (one word per option, the rest of
 * the line for variables and free text), so the command reaches herald exactly as if the member
 * had typed it in Discord; what Discord's client itself refuses is refused here.
 */
export function discordInput(line: string): DiscordInput {
  const text = line.trim();
  if (!text.startsWith('/')) return text ? { kind: 'chat', text } : { kind: 'refused', message: 'Type a message or a command such as /help.' };
  const m = /^\/([\w-]+)\s*([\s\S]*)$/.exec(text);
  const name = m?.[1]?.toLowerCase() ?? '';
  const def = COMMANDS[name];
  if (!m || !def) return { kind: 'refused', message: `Discord has no /${name || text.slice(1)} command from herald here; /help lists herald's commands.` };
  const use = usage(def);
  const { fields, rest } = splitCommandText(def, m[2]!);
  const options: Record<string, string> = {};
  for (const spec of def.args) {
    const option = optionName(spec);
    const value = fields[spec.name];
    if (value === undefined) {
      if (spec.required) return { kind: 'refused', message: `Discord needs the ${option} option before it sends /${name}: ${use}` };
      continue;
    }
    if (spec.kind === 'severity' && !(SEVERITIES as readonly string[]).includes(value)) {
      return { kind: 'refused', message: `Discord offers only ${SEVERITIES.join(', ')} for the ${option} option of /${name}.` };
    }
    options[option] = value;
  }
  if (rest) return { kind: 'refused', message: `/${name} has no option for “${rest}”: ${use}` };
  return { kind: 'command', name, options };
}

/** How Discord shows a used slash command above its answers: `/draft template:sev1/x vars:a=b`. */
export function shownCommand(input: Extract<DiscordInput, { kind: 'command' }>): string {
  return [`/${input.name}`, ...Object.entries(input.options).map(([k, v]) => `${k}:${v}`)].join(' ');
}
