import { invalidInput } from '../errors';
import { findForbiddenCharacter, isBlankLooking } from '../render';
import type { Template } from '../templates/library';
import { findUnofficial, type OfficialLists } from './identifiers';

export const MAX_VALUE_LENGTH = 1000;

/**
 * Checks drafter-supplied values against the template's declared variables. An empty value is
 * the same as leaving an optional variable out. Returns the values with every declared name set.
 */
export function validateValues(template: Template, values: Record<string, string>, lists: OfficialLists): Record<string, string> {
  const declared = Object.keys(template.variables);
  for (const name of Object.keys(values)) {
    if (!template.variables[name]) {
      throw invalidInput(
        `\`${name}\` is not a variable of ${template.id}; it takes ${declared.length ? declared.join(', ') : 'no variables'}.`,
      );
    }
  }
  const out: Record<string, string> = {};
  for (const name of declared) {
    const value = (values[name] ?? '').trim();
    const bad = findForbiddenCharacter(value);
    if (bad) {
      const hex = bad.codePoint.toString(16).toUpperCase().padStart(4, '0');
      throw invalidInput(
        `The value of \`${name}\` contains ${isBlankLooking(bad.codePoint) ? 'a blank-looking' : 'an invisible or direction-changing'} character (U+${hex} ${bad.name}) at position ${bad.index + 1}; retype it without that character.`,
      );
    }
    const unofficial = findUnofficial(value, lists);
    if (unofficial) throw invalidInput(`The value of \`${name}\` contains ${unofficial.what} ${unofficial.text}, ${unofficial.remedy}.`);
    if (value.length > MAX_VALUE_LENGTH) {
      throw invalidInput(`The value of \`${name}\` is ${value.length} characters long; keep each value under ${MAX_VALUE_LENGTH}.`);
    }
    out[name] = value;
  }
  const missing = declared.filter((n) => template.variables[n]!.required && out[n] === '');
  if (missing.length) {
    const example = missing.map((n) => `${n}="${template.variables[n]!.example ?? '…'}"`).join(' ');
    throw invalidInput(`${template.id} needs ${listWords(missing)}; add ${missing.length > 1 ? 'them' : 'it'} as name=value, e.g. ${example}`);
  }
  return out;
}

export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
