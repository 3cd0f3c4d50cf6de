import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Config } from '../../src/config/types';
import { drafts } from '../../src/store/schema';
import { privateTexts, slash, startDiscord } from '../platforms/discord/setup';
import { startWorld } from '../platforms/telegram/world';
import { answer, nothingPosted, refused, SEV3, worldPool } from './telegram';

// Hostile inputs, family 2: wallet addresses, name-service names, handles, e-mail addresses and
// phone numbers in a value. "Send funds to 0x…" is what attackers try after a scam link. Typed
// as /draft in the Telegram comms group (and a few on Discord) against the loopback emulators.

const OURS = {
  treasury: '0x52908400098527886E0F7030069857D2E4169EE7',
  ens: 'acmefinance.eth',
  phone: '+1 415 555 0100',
};

const official = (config: Config) => {
  config.officialAddresses = [OURS.treasury, OURS.ens, OURS.phone];
  config.officialHandles = { discord: [], telegram: ['@acme_support'], x: [] };
};

const ADDRESS = (a: string) =>
  `The value of \`impact\` contains the address ${a}, which is not in official_addresses; if it is ours, add it to official_addresses in herald.config.yaml, otherwise remove it.`;
const HANDLE = (h: string, variable = 'impact') =>
  `The value of \`${variable}\` contains the handle ${h}, which is not in official_handles; if it is ours, add it under official_handles (discord, telegram or x) in herald.config.yaml, otherwise remove it.`;

const CASES: Array<[string, string, string]> = [
  ['an EVM address, the issue’s "for safekeeping" lure', 'Send 0.1 ETH to 0xde709f2102306220921060314715629080e2fb77 for safekeeping.', ADDRESS('0xde709f2102306220921060314715629080e2fb77')],
  ['an EVM address in capitals', 'Send funds to 0xDE709F2102306220921060314715629080E2FB77 now.', ADDRESS('0xDE709F2102306220921060314715629080E2FB77')],
  [
    'the official address with one letter’s case flipped (a failed EIP-55 checksum)',
    'Our treasury is 0x52908400098527886e0F7030069857D2E4169EE7 as always.',
    'The value of `impact` contains the address 0x52908400098527886e0F7030069857D2E4169EE7, its capital letters do not match its EIP-55 checksum, so it is not the address it looks like; copy it again from official_addresses.',
  ],
  ['a 64-hex (Sui/Aptos-style) address', 'Send to 0x' + 'ab'.repeat(32) + ' now.', ADDRESS('0x' + 'ab'.repeat(32))],
  ['an ENS name', 'Send to acme-refunds.eth for a refund.', 'The value of `impact` contains the name-service address acme-refunds.eth, which is not in official_addresses; if it is ours, add it to official_addresses in herald.config.yaml, otherwise remove it.'],
  ['a Solana address', 'Send SOL to 4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T today.', ADDRESS('4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T')],
  ['a Bitcoin bech32 address', 'Send BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq now.', ADDRESS('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')],
  ['a Bitcoin legacy address', 'Send BTC to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now.', ADDRESS('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')],
  ['a Tron address', 'Send USDT to TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE now.', ADDRESS('TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE')],
  ['a Cosmos address', 'Send ATOM to cosmos1hsk6jryyqjfhp5dhc55tc9jtckygx0eph6dd02 now.', ADDRESS('cosmos1hsk6jryyqjfhp5dhc55tc9jtckygx0eph6dd02')],
  ['a Telegram-style @handle, the issue’s refund desk', 'DM @acme_refund_desk for your refund.', HANDLE('@acme_refund_desk')],
  ['a short X-style @handle', 'Follow @acme for news.', HANDLE('@acme')],
  ['a handle in parentheses', 'Support (@acme_helpdesk) answers.', HANDLE('@acme_helpdesk')],
  [
    'an e-mail address on a foreign domain',
    'Write to refunds@acme-support.com today.',
    'The value of `impact` contains the e-mail address refunds@acme-support.com, which is not in official_addresses (or use an address on an official domain); if it is ours, add it to official_addresses in herald.config.yaml, otherwise remove it.',
  ],
  ['an international phone number', 'Call +1 (415) 555-0199 for help.', 'The value of `impact` contains the phone number +1 (415) 555-0199, which is not in official_addresses; if it is ours, add it to official_addresses in herald.config.yaml, otherwise remove it.'],
  ['a national phone number', 'Call 415-555-0199 for help.', 'The value of `impact` contains the phone number 415-555-0199, which is not in official_addresses; if it is ours, add it to official_addresses in herald.config.yaml, otherwise remove it.'],
  ['an E.164 phone number', 'Text +447700900123 for help.', 'The value of `impact` contains the phone number +447700900123, which is not in official_addresses; if it is ours, add it to official_addresses in herald.config.yaml, otherwise remove it.'],
];

describe('addresses and handles: a value may name only what the team listed as its own', () => {
  const pool = worldPool({ configure: official });
  afterAll(async () => pool.close());

  it.each(CASES)('%s', async (_what, impact, sentence) => {
    await refused(await pool.get(), 'alice', SEV3(impact), sentence);
  });

  it('a handle in another variable is named with that variable', async () => {
    await refused(await pool.get(), 'alice', '/draft sev3/incident-minor affected="@acme_claims bot" impact="Rewards are late."', HANDLE('@acme_claims', 'affected'));
  });

  it('what is on the lists (any case), the org handle and an official-domain e-mail go through', async () => {
    const w = await startWorld({ configure: official });
    onTestFinished(() => w.close());
    const impact = `Our treasury 0x52908400098527886e0f7030069857d2e4169ee7 and ${OURS.ens} are safe. Ask @acme_support or @acmefinance, write to security@acme.finance or call ${OURS.phone}.`;
    expect(await answer(w, 'alice', SEV3(impact))).toMatch(/^#1 · sev3\/incident-minor/);
    expect(w.herald.core.db.select().from(drafts).all()).toHaveLength(1);
    nothingPosted(w);
  });
});

describe('addresses and handles on Discord', () => {
  it('a /draft naming a wallet or a handle is refused privately, and nothing is drafted', async () => {
    const s = await startDiscord();
    onTestFinished(() => s.close());
    const wallet = await slash(s, 'alice', 'draft', { template: 'sev3/incident-minor', vars: 'affected="the vault" impact="Send 0.1 ETH to 0xde709f2102306220921060314715629080e2fb77 for safekeeping."' });
    expect(privateTexts(s, wallet)).toEqual([ADDRESS('0xde709f2102306220921060314715629080e2fb77')]);
    const handle = await slash(s, 'alice', 'draft', { template: 'sev3/incident-minor', vars: 'affected="the vault" impact="DM @acme_refund_desk now."' });
    expect(privateTexts(s, handle)).toEqual([HANDLE('@acme_refund_desk')]);
    expect(s.herald.core.db.select().from(drafts).all()).toEqual([]);
    expect(s.telegram.sent).toEqual([]);
    expect(s.x.sent).toEqual([]);
  });
});
