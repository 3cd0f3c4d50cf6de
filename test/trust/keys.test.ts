import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalText, discordShown } from '../../src/trust/canonical';
import { herald } from '../support/cli';
import { tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';

describe('herald keys init', () => {
  it('creates an owner-only Ed25519 key, prints its public half, and refuses to replace it in one line (exit 1)', () => {
    const key = join(tempDir(), 'keys', 'signing.key');
    const first = herald(['keys', 'init'], { HERALD_SIGNING_KEY_FILE: key });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created herald's Ed25519 signing key at .+signing\.key \(readable by you only; back it up somewhere safe\)\npublic key \(key id [0-9a-f]{16}\): [A-Za-z0-9+/]{43}=\n/);
    const pem = readFileSync(key, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    // The private key is not printed.
    expect(first.stdout).not.toContain(pem.split('\n')[1]);
    expect(statSync(key).mode & 0o777).toBe(0o600);

    const again = herald(['keys', 'init'], { HERALD_SIGNING_KEY_FILE: key });
    expect(again.stderr).toBe(`herald: ${key} already holds a signing key; herald never replaces one (move it away first if you mean to start a new key)\n`);
    expect(again.code).toBe(1);
    expect(readFileSync(key, 'utf8')).toBe(pem);
  });

  it('herald does not start on a key file others can read, and says how to fix it', () => {
    const config = testConfig();
    expect(herald(['keys', 'init'], { HERALD_SIGNING_KEY_FILE: config.paths.signingKey }).code).toBe(0);
    chmodSync(config.paths.signingKey, 0o644);
    expect(() => testHerald(config)).toThrow(`HERALD_SIGNING_KEY_FILE: ${config.paths.signingKey} can be read by others (mode 644); run chmod 600 ${config.paths.signingKey}`);
  });

  it('verify without a key, or without text, says what to do', () => {
    const config = testConfig();
    const noText = herald(['verify'], { HERALD_SIGNING_KEY_FILE: config.paths.signingKey, HERALD_DB_PATH: config.paths.db }, '  \n');
    expect(noText.stderr).toBe("herald: herald verify reads the statement's text on stdin; paste it or pipe it in (herald verify < statement.txt)\n");
    expect(noText.code).toBe(1);
    const noKey = herald(['verify'], { HERALD_SIGNING_KEY_FILE: config.paths.signingKey, HERALD_DB_PATH: config.paths.db }, 'We are investigating.');
    expect(noKey.stderr).toMatch(/^herald: HERALD_SIGNING_KEY_FILE: there is no signing key at .+, so there is nothing to verify with \(or give --site/);
    expect(noKey.code).toBe(1);
  });
});

describe('the canonical text herald signs', () => {
  it('reads a copy from a chat app as the statement it is, and any other change as a different text', () => {
    const sent = 'Acme Finance: we paused the pool.\n\nNext update: 15:00 UTC';
    expect(canonicalText('\uFEFFAcme Finance: we paused the pool. \r\n\r\n\r\nNext update:\u00A015:00 UTC\r\n')).toBe(canonicalText(sent));
    expect(canonicalText('@everyone\nAcme Finance: we paused the pool.\n\nNext update: 15:00 UTC')).toBe(canonicalText(sent));
    // NFC: an e and a combining accent is é.
    expect(canonicalText('caf\u0065\u0301')).toBe(canonicalText('caf\u00E9'));
    expect(canonicalText(sent.replace('15:00', '16:00'))).not.toBe(canonicalText(sent));
    expect(canonicalText(sent.replace('paused', 'Paused'))).not.toBe(canonicalText(sent));
  });

  it("reads Discord's Markdown as a member sees it once rendered, leaving URLs and escaped characters as they show", () => {
    const markdown = '## Update\n**User funds:** safe\\* for now\n• See [our status page](<https://status.acme.finance/a_b>) or https://acme.finance/x_y\n-# herald';
    expect(discordShown(markdown)).toBe('Update\nUser funds: safe* for now\n• See our status page or https://acme.finance/x_y\nherald');
  });
});
