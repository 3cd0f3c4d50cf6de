import { keccak_256 } from '@noble/hashes/sha3.js';
import { EMAIL, isOfficial } from '../render/official';

/**
 * Wallet addresses, ENS names, @handles, e-mail addresses and phone numbers in a value. "Send
 * funds to 0x…" and "DM @acme_support_desk" are what attackers try after a scam link, so a value
 * may carry one only when the team listed it as its own (`official_addresses`,
 * `official_handles`, or for e-mail an official domain).
 */
export interface OfficialLists {
  officialAddresses: readonly string[];
  officialHandles: Readonly<Record<string, readonly string[]>>;
  officialDomains: readonly string[];
  org: { x_handle?: string | undefined };
}

export interface Unofficial {
  /** What it is, in words: "the address", "the handle". */
  what: string;
  text: string;
  /** The sentence's end: what to do about it. */
  remedy: string;
}

const B58 = '1-9A-HJ-NP-Za-km-z';
const BECH32 = '02-9ac-hj-np-z';

/** Each pattern with what it is; the first to match a span wins. */
const PATTERNS: Array<{ what: string; re: RegExp }> = [
  // EVM (40 hex) and Sui/Aptos-style (64 hex) addresses; 64 hex is also how transaction hashes read.
  { what: 'the address', re: /(?<![0-9a-z])0x(?:[0-9a-f]{64}|[0-9a-f]{40})(?![0-9a-z])/giu },
  { what: 'the name-service address', re: /(?<![\p{L}\p{N}_.-])(?:[\p{L}\p{N}_-]+\.)+(?:eth|sol|crypto|bnb|arb|lens)(?![\p{L}\p{N}_-])/giu },
  // Bitcoin SegWit, Cosmos chains (cosmos1…, osmo1…), Cardano (addr1…): bech32.
  { what: 'the address', re: new RegExp(`(?<![0-9a-z])[a-z]{2,16}1[${BECH32}]{25,100}(?![0-9a-z])`, 'giu') },
  // Solana, Bitcoin legacy, Tron (T…), XRP (r…), Monero: base58 with letters and digits.
  { what: 'the address', re: new RegExp(`(?<![0-9A-Za-z])(?=[${B58}]*\\d)(?=[${B58}]*[A-Za-z])[${B58}]{25,110}(?![0-9A-Za-z])`, 'gu') },
  { what: 'the e-mail address', re: EMAIL },
  // What Telegram (a letter, then 5–32 in all) or X (1–15) would make a mention. @everyone and
  // @here are Discord's mass mentions, which the renderer neutralises; Discord links no @text.
  { what: 'the handle', re: /(?<![\p{L}\p{N}_.@/+-])@(?!(?:everyone|here)\b)(?:[A-Za-z][A-Za-z0-9_]{4,31}|[A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])/gu },
  { what: 'the phone number', re: /(?<![\p{N}\p{L}+])(?:\+\d[\d ().-]{5,18}\d|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?!\d)/gu },
];

const digits = (s: string) => s.replace(/\D/gu, '');

/** EIP-55: the case of each hex letter is a checksum. */
export function eip55(address: string): string {
  const hex = address.slice(2).toLowerCase();
  const hash = Buffer.from(keccak_256(new TextEncoder().encode(hex))).toString('hex');
  return `0x${[...hex].map((c, i) => (parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c)).join('')}`;
}

/** Mixed case means a checksum was written; it must be the right one. All one case carries none. */
export function checksumOk(address: string): boolean {
  if (!/^0x[0-9a-f]{40}$/iu.test(address)) return true;
  const body = address.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
  return eip55(address) === address;
}

const handleKey = (h: string) => h.replace(/^@/u, '').toLowerCase();

export function findUnofficial(value: string, lists: OfficialLists): Unofficial | null {
  const taken: Array<[number, number]> = [];
  const addresses = new Set(lists.officialAddresses.map((a) => a.toLowerCase()));
  const phones = new Set(lists.officialAddresses.map(digits).filter((d) => d.length >= 7));
  const handles = new Set([...Object.values(lists.officialHandles).flat(), ...(lists.org.x_handle ? [lists.org.x_handle] : [])].map(handleKey));
  for (const { what, re } of PATTERNS) {
    for (const m of value.matchAll(re)) {
      const [start, end] = [m.index, m.index + m[0].length];
      if (taken.some(([s, e]) => start < e && s < end)) continue;
      taken.push([start, end]);
      const text = m[0].replace(/[.]+$/u, '');
      if (what === 'the address' && text.startsWith('0x') && !checksumOk(text)) {
        return { what, text, remedy: 'its capital letters do not match its EIP-55 checksum, so it is not the address it looks like; copy it again from official_addresses' };
      }
      if (what === 'the handle') {
        if (handles.has(handleKey(text))) continue;
        return { what, text, remedy: 'which is not in official_handles; if it is ours, add it under official_handles (discord, telegram or x) in herald.config.yaml, otherwise remove it' };
      }
      if (what === 'the e-mail address' && (isOfficial(text, lists.officialDomains) || addresses.has(text.toLowerCase()))) continue;
      if (what === 'the phone number' && phones.has(digits(text))) continue;
      if (addresses.has(text.toLowerCase())) continue;
      const setting = what === 'the e-mail address' ? 'official_addresses (or use an address on an official domain)' : 'official_addresses';
      return { what, text, remedy: `which is not in ${setting}; if it is ours, add it to official_addresses in herald.config.yaml, otherwise remove it` };
    }
  }
  return null;
}
