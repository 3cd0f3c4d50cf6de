import type { XCredentials, XOAuth1Credentials, XUser } from './types';
import {
  hmacSha1Signature,
  parseOAuthHeader,
  queryPairs,
  signaturesEqual,
  signatureBaseString,
} from './oauth1';

export type AuthResult =
  | { ok: true; kind: 'oauth1' | 'bearer'; user: XUser }
  | { ok: false; kind: 'none' | 'invalid' };

/** How far the client's oauth_timestamp may be from our clock; X refuses stale signatures. */
const TIMESTAMP_SKEW_SEC = 300;

export class Authenticator {
  constructor(
    private readonly users: XUser[],
    private readonly credentials: XCredentials[],
  ) {}

  /**
   * @param requestBaseUrl scheme://host[:port]/path exactly as the client addressed us, without
   *   query: what the client had to sign.
   */
  check(
    authorization: string | undefined,
    method: string,
    requestBaseUrl: string,
    rawQuery: string,
  ): AuthResult {
    if (!authorization) return { ok: false, kind: 'none' };
    if (/^Bearer\s+/i.test(authorization)) {
      const token = authorization.replace(/^Bearer\s+/i, '').trim();
      const cred = this.credentials.find((c) => 'bearerUserToken' in c && c.bearerUserToken === token);
      return this.resolve(cred, 'bearer');
    }
    const params = parseOAuthHeader(authorization);
    if (!params) return { ok: false, kind: 'invalid' };
    const cred = this.credentials.find(
      (c): c is XOAuth1Credentials =>
        'appKey' in c &&
        c.appKey === params['oauth_consumer_key'] &&
        c.accessToken === params['oauth_token'],
    );
    if (!cred) return { ok: false, kind: 'invalid' };
    if (params['oauth_signature_method'] !== 'HMAC-SHA1') return { ok: false, kind: 'invalid' };
    if (params['oauth_version'] !== undefined && params['oauth_version'] !== '1.0') {
      return { ok: false, kind: 'invalid' };
    }
    const ts = Number(params['oauth_timestamp']);
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > TIMESTAMP_SKEW_SEC) {
      return { ok: false, kind: 'invalid' };
    }
    if (!params['oauth_nonce'] || !params['oauth_signature']) return { ok: false, kind: 'invalid' };
    const base = signatureBaseString(method, requestBaseUrl, params, queryPairs(rawQuery));
    const expected = hmacSha1Signature(base, cred.appSecret, cred.accessSecret);
    if (!signaturesEqual(expected, params['oauth_signature'])) return { ok: false, kind: 'invalid' };
    return this.resolve(cred, 'oauth1');
  }

  private resolve(cred: XCredentials | undefined, kind: 'oauth1' | 'bearer'): AuthResult {
    if (!cred) return { ok: false, kind: 'invalid' };
    const user = cred.userId ? this.users.find((u) => u.id === cred.userId) : this.users[0];
    if (!user) return { ok: false, kind: 'invalid' };
    return { ok: true, kind, user };
  }
}
