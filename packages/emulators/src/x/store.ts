import type { StoredPost, ThreadNode } from './types';

/** X's snowflake epoch (2010-11-04T01:42:54.657Z). */
const TWEPOCH = 1288834974657n;

/**
 * Snowflake-shaped ids: milliseconds since X's epoch, then worker and sequence bits, so ids
 * sort by creation time and look like real ones (19 digits today).
 */
export class SnowflakeIds {
  private lastMs = -1n;
  private seq = 0n;
  constructor(private readonly worker = 1n) {}

  next(nowMs = Date.now()): string {
    let ms = BigInt(nowMs);
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.seq = (this.seq + 1n) & 0xfffn;
      if (this.seq === 0n) ms += 1n;
    } else {
      this.seq = 0n;
    }
    this.lastMs = ms;
    return (((ms - TWEPOCH) << 22n) | ((this.worker & 0x3ffn) << 12n) | this.seq).toString();
  }
}

export class PostStore {
  private readonly list: StoredPost[] = [];
  private readonly byId = new Map<string, StoredPost>();
  private readonly ids = new SnowflakeIds();

  constructor(private readonly duplicateWindowMs: number) {}

  get(id: string): StoredPost | undefined {
    return this.byId.get(id);
  }

  /** A live post by this author with the same text, recent enough for X to call it a duplicate. */
  findDuplicate(authorId: string, text: string, now = Date.now()): StoredPost | undefined {
    return this.list.find(
      (p) =>
        !p.deleted &&
        p.author_id === authorId &&
        p.text === text &&
        now - Date.parse(p.created_at) <= this.duplicateWindowMs,
    );
  }

  create(authorId: string, text: string, replyTo?: StoredPost): StoredPost {
    const now = Date.now();
    const id = this.ids.next(now);
    const post: StoredPost = {
      id,
      text,
      author_id: authorId,
      created_at: new Date(now).toISOString(),
      conversation_id: replyTo ? replyTo.conversation_id : id,
      edit_history_tweet_ids: [id],
      deleted: false,
    };
    if (replyTo) {
      post.in_reply_to_tweet_id = replyTo.id;
      post.in_reply_to_user_id = replyTo.author_id;
    }
    this.list.push(post);
    this.byId.set(id, post);
    return post;
  }

  markDeleted(post: StoredPost): void {
    post.deleted = true;
    post.deleted_at = new Date().toISOString();
  }

  /** Copies, so callers cannot change what the emulator serves. */
  all(): StoredPost[] {
    return this.list.map(copyPost);
  }

  /** Roots (posts that reply to nothing we hold) with their replies, in creation order. */
  threads(): ThreadNode[] {
    const nodes = new Map<string, ThreadNode>();
    for (const p of this.list) nodes.set(p.id, { post: copyPost(p), replies: [] });
    const roots: ThreadNode[] = [];
    for (const p of this.list) {
      const node = nodes.get(p.id)!;
      const parent = p.in_reply_to_tweet_id ? nodes.get(p.in_reply_to_tweet_id) : undefined;
      if (parent) parent.replies.push(node);
      else roots.push(node);
    }
    return roots;
  }
}

export function copyPost(p: StoredPost): StoredPost {
  return { ...p, edit_history_tweet_ids: [...p.edit_history_tweet_ids] };
}
