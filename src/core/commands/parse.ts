import { invalidInput } from '../errors';
import type { CommandDef } from './types';

/**
 * Splits a command's arguments on spaces, keeping quoted values whole. Phones type curly
 * quotes, so “ ” and ‘ ’ count as quotes too.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  let inToken = false;
  const closing: Record<string, string> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’', '’': '’', '„': '“' };
  for (const ch of text.trim()) {
    if (quote) {
      if (ch === closing[quote] || (quote === '“' && ch === '"')) quote = null;
      else current += ch;
    } else if (closing[ch] && (current === '' || current.endsWith('='))) {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (quote) throw invalidInput(`A quote (${quote}) is never closed; put a closing quote after the value, e.g. name="Pool A and Pool B".`);
  if (inToken) out.push(current);
  return out;
}

/** `name=value` pairs; a name given twice, or a word without `=`, is a mistake worth naming. */
export function parseVars(tokens: string[], usage: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq <= 0) {
      throw invalidInput(`\`${token}\` is not a name=value pair; write variables as name=value, with quotes around values that contain spaces (${usage}).`);
    }
    const name = token.slice(0, eq).trim();
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      throw invalidInput(`\`${name}\` is not a variable name; names are lower-case words joined by _, like next_update.`);
    }
    if (name in values) throw invalidInput(`\`${name}\` is given twice; give each variable once.`);
    values[name] = token.slice(eq + 1);
  }
  return values;
}

/** `#12` or `12`. */
export function parseDraftId(token: string | undefined, usage: string): number {
  const m = /^#?(\d{1,9})$/.exec(token ?? '');
  if (!m) {
    throw invalidInput(
      token === undefined
        ? `This command needs a draft id, like #12 (${usage}); /status lists open drafts.`
        : `\`${token}\` is not a draft id; draft ids look like #12 (${usage}).`,
    );
  }
  return Number(m[1]);
}

/** `3` or `#3`. */
export function parseIncidentId(token: string | undefined, usage: string): number {
  const m = /^#?(\d{1,9})$/.exec(token ?? '');
  if (!m) {
    throw invalidInput(
      token === undefined ? `Name the incident: ${usage}; /incident lists the open ones.` : `\`${token}\` is not an incident id; incident ids are numbers, like 3 (${usage}).`,
    );
  }
  return Number(m[1]);
}

/**
 * Typed arguments by the command's data: one word for each single-valued argument in the order
 * declared, the rest of the line for variables or free text. What is left over is returned for
 * the caller to refuse in its own words.
 */
export function splitCommandText(def: Pick<CommandDef, 'args'>, text: string): { fields: Record<string, string>; rest: string } {
  const fields: Record<string, string> = {};
  let rest = text.trim();
  for (const spec of def.args) {
    if (spec.kind === 'vars' || spec.kind === 'text') {
      if (rest) fields[spec.name] = rest;
      rest = '';
      continue;
    }
    const m = /^(\S+)\s*/.exec(rest);
    if (!m) continue;
    fields[spec.name] = m[1]!;
    rest = rest.slice(m[0].length);
  }
  return { fields, rest };
}
