import { describe, expect, it } from 'vitest';
import { checkLinks, findLinks } from '../../../src/core/render';
import { template } from '../../support/render';

const OFFICIAL = ['acme.finance', 'acme.io'];
const check = (source: string, values: Record<string, string> = {}) => checkLinks(template(source, values), OFFICIAL);

describe('link guard', () => {
  it('accepts official domains and their subdomains, in links, text, values and any case', () => {
    expect(check('[app](https://app.acme.finance/x) https://acme.finance HTTPS://Status.ACME.io/a acme.finance/docs')).toEqual({ ok: true });
    expect(check('Status: {{url}} — mail security@acme.finance', { url: 'https://status.acme.finance/1' })).toEqual({ ok: true });
    expect(check('[status]({{url}})', { url: 'https://status.acme.finance/1' })).toEqual({ ok: true });
  });

  it('refuses lookalikes, paths that merely mention the domain, and userinfo tricks, naming each', () => {
    const cases = [
      'https://acme.finance.evil.com',
      'https://evil.com/acme.finance',
      'https://acme.finance@evil.com',
      'https://evilacme.finance',
      'https://acme.finance:443@evil.com/',
      'http://xn--acme-ofa.finance',
      'https://аcme.finance', // Cyrillic а
    ];
    for (const url of cases) expect(check(`See ${url} now.`), url).toEqual({ ok: false, offending: [url] });
  });

  it('refuses bare domains the platforms would link, e-mail on other domains, and non-http schemes', () => {
    expect(check('Claim at evil.com or www.evil.io/claim today.')).toEqual({ ok: false, offending: ['evil.com', 'www.evil.io/claim'] });
    expect(check('Write to acme.finance@evil.com')).toEqual({ ok: false, offending: ['acme.finance@evil.com'] });
    expect(check('[claim](javascript:alert(1))')).toEqual({ ok: false, offending: ['javascript:alert(1)'] });
    expect(check('open tg://resolve?domain=evil or ftp://acme.finance/x')).toEqual({
      ok: false,
      offending: ['tg://resolve?domain=evil', 'ftp://acme.finance/x'],
    });
    expect(check('[official](http://evil.com)')).toEqual({ ok: false, offending: ['http://evil.com'] });
  });

  it('sees a URL a value completes, and a link target a value supplies', () => {
    expect(check('Visit https://{{host}}/claim', { host: 'evil.com' })).toEqual({ ok: false, offending: ['https://evil.com/claim'] });
    expect(check('[status]({{u}})', { u: 'https://evil.com' })).toEqual({ ok: false, offending: ['https://evil.com'] });
    expect(check('Contract {{v}} paused.', { v: 'evil.com' })).toEqual({ ok: false, offending: ['evil.com'] });
  });

  it('does not mistake numbers, file names or abbreviations for links', () => {
    expect(findLinks(template('Pool v1.5 lost 2.3M, see Vault.sol, e.g. the bridge, i.e. everything.'))).toEqual([]);
  });
});
