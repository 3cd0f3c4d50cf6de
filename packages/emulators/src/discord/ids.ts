import { createHash, randomBytes } from 'node:crypto';

/** Discord's epoch (2015-01-01T00:00:00Z); snowflakes count milliseconds from it. */
const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/**
 * Real snowflakes, not counters: @discordjs/rest only treats 17-19 digit ids as major
 * parameters, and decides "older than 14 days" for deletes from the embedded timestamp.
 */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  const id = ((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | (1n << 12n) | increment;
  return id.toString();
}

/** Interaction tokens look like Discord's: base64 of "interaction:<id>:" plus random. */
export function interactionToken(id: string): string {
  const head = Buffer.from(`interaction:${id}:`).toString('base64url');
  return head + randomBytes(60).toString('base64url');
}

export function sessionId(): string {
  return randomBytes(16).toString('hex');
}

/** An opaque, stable bucket id per route template, shaped like Discord's X-RateLimit-Bucket. */
export function bucketHash(routeKey: string): string {
  return createHash('sha1').update(routeKey).digest('hex').slice(0, 32);
}

/** A token in the three-part shape of a bot token, so libraries that censor or split it behave. */
export function botToken(botId: string): string {
  return `${Buffer.from(botId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

/** Discord's timestamp format: ISO 8601 with microseconds and an explicit offset. */
export function discordTimestamp(at: number = Date.now()): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
