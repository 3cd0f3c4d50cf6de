import { TwitterApi, type IClientSettings } from 'twitter-api-v2';
import type { Config } from '../../config/types';
import { xClientOptionsFor } from './base-url-plugin';

export type XSettings = NonNullable<Config['x']>;
export type XAuthKind = 'oauth1' | 'oauth2';

const DEFAULT_API_URL = 'https://api.x.com';

export const authKindOf = (x: XSettings): XAuthKind => ('userToken' in x.auth ? 'oauth2' : 'oauth1');

/**
 * A twitter-api-v2 client acting as the configured account: OAuth 1.0a user context (the four
 * keys), or an OAuth 2.0 user token sent as a bearer. Every request gets the socket timeout;
 * the publisher adds a hard deadline on top.
 */
export function createXClient(x: XSettings, timeoutMs: number): TwitterApi {
  const settings: Partial<IClientSettings> = xClientOptionsFor(x.apiUrl ?? DEFAULT_API_URL, { timeoutMs });
  if ('userToken' in x.auth) return new TwitterApi(x.auth.userToken, settings);
  const { appKey, appSecret, accessToken, accessSecret } = x.auth;
  return new TwitterApi({ appKey, appSecret, accessToken, accessSecret }, settings);
}
