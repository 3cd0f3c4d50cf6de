/**
 * The plugin that points twitter-api-v2 at a base URL belongs to the X adapter (production
 * uses it for X_API_URL); the emulator re-exports it so tests address the emulator the same way.
 */
export { xBaseUrlPlugin, xClientOptionsFor, rewriteXUrl } from '../../platforms/x/base-url-plugin';
export type { XBaseUrlOptions } from '../../platforms/x/base-url-plugin';
