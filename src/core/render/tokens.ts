/**
 * How the template loader marks where a value goes: `\uE000<n>\uE001`, n indexing the values
 * array. Private-use characters cannot come from a value (findForbiddenCharacter refuses them).
 */
export const TOKEN_OPEN = '\uE000';
export const TOKEN_CLOSE = '\uE001';

export function valueToken(index: number): string {
  return `${TOKEN_OPEN}${index}${TOKEN_CLOSE}`;
}

/** Values are single-line text: line breaks of any kind become one space each. */
export function valueText(value: string): string {
  return value.replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ');
}
