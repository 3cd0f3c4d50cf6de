import twitterText from 'twitter-text';
import type { TweetV2, TwitterApi } from 'twitter-api-v2';

/**
 * When X refuses a post as duplicate content, the text is already up on the account: most
 * often because an earlier attempt landed but its answer was lost. X's refusal does not say
 * which post it is, and looking a post up by id needs the id we lack, so herald reads the
 * account's own recent posts (GET /2/users/:id/tweets, replies included) and picks the one with
 * the same text, preferring the one that answers the same post this part answers.
 */
export interface ExistingPostQuery {
  userId: string;
  text: string;
  /** The post this part answers; a part of a thread answers the previous part. */
  replyTo?: string;
}

/** Small on purpose: the post was made moments ago, and every post read is billed. */
const RECENT = 20;

export async function findExistingPost(client: TwitterApi, q: ExistingPostQuery): Promise<string | undefined> {
  const page = await client.v2.userTimeline(q.userId, { max_results: RECENT, 'tweet.fields': ['referenced_tweets'] });
  const wanted = comparable(q.text);
  const same = page.tweets.filter((t) => comparable(t.text) === wanted);
  // Newest first: the latest copy is the one the lost answer was about.
  return (same.find((t) => repliesTo(t) === q.replyTo) ?? same[0])?.id;
}

const repliesTo = (t: TweetV2): string | undefined => t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;

/**
 * X stores text as it shows it: links become t.co links and &, < and > come back as HTML
 * entities. Compare with every link reduced to a marker and whitespace runs collapsed.
 */
export function comparable(text: string): string {
  const decoded = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const ranges = twitterText.extractUrlsWithIndices(decoded);
  let out = '';
  let at = 0;
  for (const r of ranges) {
    const [start, end] = r.indices;
    out += decoded.slice(at, start) + '\u0000link\u0000';
    at = end;
  }
  out += decoded.slice(at);
  return out.replace(/\s+/g, ' ').trim();
}
