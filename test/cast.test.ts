import { describe, expect, it } from 'vitest';
import { CAST, PEOPLE, ROLE } from './support/cast';
import { testConfig } from './support/config';

/** The fixtures name the test cast by hand (YAML cannot import it); this keeps the two from drifting apart. */
describe('the test cast', () => {
  for (const [fixture, platforms] of [
    ['test/fixtures/herald.yaml', ['discord', 'telegram']],
    ['test/platforms/discord/herald.yaml', ['discord']],
  ] as const) {
    it(`${fixture} names the cast's people with their roles and accounts`, () => {
      const config = testConfig({ HERALD_CONFIG: fixture });
      const expected = Object.fromEntries(
        PEOPLE.filter((p) => CAST[p].roles.length > 0).map((p) => {
          const person: Record<string, unknown> = CAST[p];
          return [p, { roles: CAST[p].roles, ...Object.fromEntries(platforms.filter((k) => person[k] !== undefined).map((k) => [k, String(person[k])])) }];
        }),
      );
      const people = Object.fromEntries(Object.entries(config.people).map(([name, p]) => [name, { ...p, ...(p.telegram !== undefined ? { telegram: String(p.telegram) } : {}) }]));
      expect(people).toEqual(expected);
      expect(config.discordRoles).toEqual({ [ROLE.approvers]: ['approver'] });
    });
  }
});
