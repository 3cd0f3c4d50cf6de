import { describe, expect, it } from 'vitest';
import { herald } from '../support/cli';

describe('a mistake on the command line is one line on stderr with exit code 2, nothing on stdout', () => {
  const cases: Array<[string[], string]> = [
    [['tempaltes', 'check'], "herald: unknown command 'tempaltes' (Did you mean templates?); herald --help lists the commands\n"],
    [['audit', 'export', '--format', 'xml'], "herald: option '--format <format>' argument 'xml' is invalid. Allowed choices are md, json, csv; herald --help lists the commands\n"],
    [['backup'], "herald: missing required argument 'file'; herald --help lists the commands\n"],
    [['templates'], 'herald: herald templates needs a command; expected one of check, list (herald templates --help)\n'],
    [['audit', 'verfiy'], "herald: unknown command 'verfiy' for herald audit; expected one of verify, export, checkpoint (herald audit --help)\n"],
  ];
  it.each(cases)('herald %j', (args, line) => {
    const r = herald(args, {});
    expect(r.stderr).toBe(line);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});

describe('herald --help', () => {
  it('is the result: on stdout, exit 0', () => {
    const r = herald(['--help'], {});
    expect(r.stdout).toContain('backup [options] <file>');
    expect(r.code).toBe(0);
  });
});
