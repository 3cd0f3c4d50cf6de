/**
 * Loopback X (Twitter) API v2 emulator for tests, benchmarks and sandbox mode.
 *
 *   const emu = await startXEmulator();
 *   const client = new TwitterApi({ ...DEFAULT_X_CREDENTIALS }, xClientOptionsFor(emu.baseUrl));
 *   await client.v2.tweet('hello');
 */
export { XEmulator, startXEmulator, DEFAULT_X_USER, DEFAULT_X_CREDENTIALS } from './emulator';
export type { XEmulatorEvents } from './emulator';
export type {
  Fault,
  FaultMatch,
  RecordedRequest,
  StoredPost,
  ThreadNode,
  XBearerCredentials,
  XCredentials,
  XEmulatorOptions,
  XLimits,
  XOAuth1Credentials,
  XUser,
} from './types';
