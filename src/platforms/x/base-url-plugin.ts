import { Agent as HttpAgent } from 'node:http';
import type { IClientSettings, ITwitterApiClientPlugin } from 'twitter-api-v2';

/**
 * twitter-api-v2 builds every URL from hard-coded prefixes (https://api.x.com/2/, …) and has no
 * base-URL setting. Its supported extension point is a plugin: `onBeforeRequestConfig` receives
 * the request parameters before the URL is parsed, signed (OAuth 1.0a signs the final URL) and
 * sent, so rewriting `params.url` there moves the whole request, signature included.
 *
 * The same hook is where a default per-request timeout can go: the high-level methods
 * (v2.tweet, v2.reply, v2.deleteTweet) accept no request options, and the library has no global
 * timeout, so without this a request to a silent server waits forever.
 */

/** The hosts the library talks to, in the forms it has used (it moved from twitter.com to x.com). */
const X_API_ORIGINS = ['https://api.x.com', 'https://api.twitter.com'];

export interface XBaseUrlOptions {
  /**
   * Default socket-inactivity timeout for each request, in ms. A request that hears nothing for
   * this long fails with ApiRequestError ("Request timeout."). An explicit per-call `timeout`
   * wins.
   */
  timeoutMs?: number;
}

export function rewriteXUrl(url: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  for (const origin of X_API_ORIGINS) {
    if (url === origin || url.startsWith(origin + '/')) return base + url.slice(origin.length);
  }
  return url;
}

export function xBaseUrlPlugin(baseUrl: string, opts: XBaseUrlOptions = {}): ITwitterApiClientPlugin {
  new URL(baseUrl); // fail at construction, not on the first post
  return {
    onBeforeRequestConfig({ params }) {
      params.url = rewriteXUrl(params.url, baseUrl);
      if (opts.timeoutMs !== undefined && params.timeout === undefined) params.timeout = opts.timeoutMs;
    },
    onBeforeStreamRequestConfig({ params }) {
      params.url = rewriteXUrl(params.url, baseUrl);
    },
  };
}

/**
 * Client settings that point twitter-api-v2 at `baseUrl`:
 * `new TwitterApi(tokens, xClientOptionsFor(emu.baseUrl))`.
 *
 * The library sends through `https.request`, which refuses an `http:` URL unless the agent it
 * is given speaks plain HTTP; hence the http.Agent for http base URLs (the emulator, a local
 * proxy), which keeps its connections open between requests as Node's default https agent does
 * for X itself: a thread's next part, or the next statement, need not open a connection first.
 * For an https base URL the library's default agent is kept.
 */
export function xClientOptionsFor(
  baseUrl: string,
  opts: XBaseUrlOptions & { plugins?: ITwitterApiClientPlugin[] } = {},
): Partial<IClientSettings> {
  const settings: Partial<IClientSettings> = {
    plugins: [xBaseUrlPlugin(baseUrl, opts), ...(opts.plugins ?? [])],
  };
  if (new URL(baseUrl).protocol === 'http:') settings.httpAgent = new HttpAgent({ keepAlive: true });
  return settings;
}
