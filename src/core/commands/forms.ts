import { findTemplate, type Library, type Template } from '../templates/library';
import { usage } from './define';
import { COMMANDS } from './definitions';
import { parseVars, splitArgs } from './parse';

/** A form holds at most five inputs (Discord's modal limit, the only form herald opens). */
export const FORM_FIELDS = 5;

export interface DraftForm {
  template: Template;
  values: Record<string, string>;
  /** The required variables still to ask for, in the template's order. */
  missing: string[];
  /** What the member typed, for the log. */
  typed: string;
}

/**
 * A `/draft` whose required variables are missing but fit one form. Anything else (no such
 * template, a malformed or unknown variable, nothing missing, too many missing) goes to the
 * command layer, which answers with the sentence for it.
 */
export function draftForm(library: Library, templateToken: string, varsText: string): DraftForm | null {
  const template = findTemplate(library, templateToken);
  if (!template || template.kind !== 'template') return null;
  let values: Record<string, string>;
  try {
    values = parseVars(splitArgs(varsText), usage(COMMANDS.draft!));
  } catch {
    return null;
  }
  if (Object.keys(values).some((n) => !template.variables[n])) return null;
  const missing = Object.entries(template.variables)
    .filter(([n, spec]) => spec.required && !(values[n] ?? '').trim())
    .map(([n]) => n);
  if (missing.length === 0 || missing.length > FORM_FIELDS) return null;
  return { template, values, missing, typed: varsText };
}
