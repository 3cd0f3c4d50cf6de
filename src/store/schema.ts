import { integer, sqliteTable, text, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { dbNow as now } from './now';

/**
 * What a run of statements is about. Times are the core's clock (ISO), so that a promise, a
 * reminder and the review all read one clock.
 */
export const incidents = sqliteTable('incidents', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  /** The severity of its first statement; null while it was opened by /incident open and has none. */
  severity: text('severity'),
  /** open | closed */
  status: text('status').notNull(),
  openedAt: text('opened_at').notNull(),
  openedBy: text('opened_by').notNull(),
  closedAt: text('closed_at'),
  closedBy: text('closed_by'),
  closedReason: text('closed_reason'),
});

export const drafts = sqliteTable('drafts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The incident the statement belongs to, if any. */
  incidentId: integer('incident_id').references(() => incidents.id),
  /** A `/hold` draft: the vetted holding update, whose policy may need fewer approvals. */
  holding: integer('holding', { mode: 'boolean' }).notNull().default(false),
  templateId: text('template_id').notNull(),
  severity: text('severity').notNull(),
  /** Who drafted it: the person's name where linked, else platform:user id. */
  author: text('author').notNull(),
  authorName: text('author_name').notNull(),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  /** awaiting_approval | published | rejected | cancelled | retracted */
  status: text('status').notNull(),
  /** The revision waiting for approval, if any (a statement, correction or retraction). */
  pendingRevisionId: integer('pending_revision_id'),
  /** The revision now public, if any. */
  publishedRevisionId: integer('published_revision_id'),
  closedReason: text('closed_reason'),
  /**
   * A `/compromised` or `/restored` draft: the target whose mark its approval sets or lifts. The
   * statement is the announcement; the mark takes effect in the approval's own transaction.
   */
  channelTarget: text('channel_target'),
  /** compromised | restored, with channelTarget. */
  channelChange: text('channel_change'),
  /** What happened, as /compromised was given it: fixed for the draft, shown above every revision. */
  channelReason: text('channel_reason'),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

export const revisions = sqliteTable(
  'revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    number: integer('number').notNull(),
    /** statement | correction | retraction */
    kind: text('kind').notNull(),
    valuesJson: text('values_json').notNull(),
    templateHash: text('template_hash').notNull(),
    /** SHA-256 of what would go out; approvals are bound to it. */
    contentHash: text('content_hash').notNull(),
    renderedJson: text('rendered_json').notNull(),
    reason: text('reason'),
    /** The promised next update as an instant (ISO), read from `next_update` when the revision was made. */
    nextUpdateAt: text('next_update_at'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('revisions_draft_number').on(t.draftId, t.number)],
);

export const approvals = sqliteTable(
  'approvals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    revisionId: integer('revision_id').notNull().references(() => revisions.id),
    contentHash: text('content_hash').notNull(),
    approver: text('approver').notNull(),
    approverName: text('approver_name').notNull(),
    platform: text('platform').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('approvals_revision_approver').on(t.revisionId, t.approver)],
);

/**
 * A published next-update time herald holds the team to. Settled once: kept or missed when the
 * incident's next statement is broadcast, or superseded (corrected, retracted, incident closed).
 */
export const promises = sqliteTable(
  'promises',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    revisionId: integer('revision_id').notNull().references(() => revisions.id),
    dueAt: text('due_at').notNull(),
    madeAt: text('made_at').notNull(),
    /** The slot (not the send time) of the last reminder posted. */
    lastReminderAt: text('last_reminder_at'),
    /** kept | missed | superseded; null while open. */
    outcome: text('outcome'),
    settledAt: text('settled_at'),
    /** The draft whose broadcast kept or missed it. */
    settledByDraftId: integer('settled_by_draft_id').references(() => drafts.id),
  },
  (t) => [index('promises_open').on(t.outcome)],
);

/** A break-glass publication (one approval), and its ratification by a second approver. */
export const breakGlass = sqliteTable('break_glass', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  draftId: integer('draft_id').notNull().references(() => drafts.id),
  revisionId: integer('revision_id').notNull().references(() => revisions.id),
  incidentId: integer('incident_id').references(() => incidents.id),
  usedBy: text('used_by').notNull(),
  usedByName: text('used_by_name').notNull(),
  reason: text('reason').notNull(),
  usedAt: text('used_at').notNull(),
  /** When a second approver must have ratified it by. */
  ratifyBy: text('ratify_by').notNull(),
  ratifiedAt: text('ratified_at'),
  ratifiedBy: text('ratified_by'),
  lastReminderAt: text('last_reminder_at'),
});

/**
 * A target that is no longer ours: while a row has no restoredAt, nothing is sent to the target.
 * The delivery worker reads this table at send time; rows stay as the history of each marking.
 */
export const compromisedTargets = sqliteTable(
  'compromised_targets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: text('target_id').notNull(),
    platform: text('platform').notNull(),
    /** The channel as the public statement names it ("our X account @acmefinance"). */
    channel: text('channel').notNull(),
    /** What happened, as the drafter wrote it in /compromised. */
    what: text('what').notNull(),
    /** When the mark took effect (the approval that set it). */
    since: text('since').notNull(),
    /** The drafter and the approvers, by name. */
    markedBy: text('marked_by').notNull(),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    restoredAt: text('restored_at'),
    restoredBy: text('restored_by'),
    restoreDraftId: integer('restore_draft_id').references(() => drafts.id),
  },
  (t) => [uniqueIndex('compromised_targets_marked').on(t.targetId).where(sql`restored_at IS NULL`)],
);

export const broadcasts = sqliteTable('broadcasts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  draftId: integer('draft_id').notNull().references(() => drafts.id),
  revisionId: integer('revision_id').notNull().references(() => revisions.id),
  /** publish | correct | retract */
  kind: text('kind').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    broadcastId: integer('broadcast_id').notNull().references(() => broadcasts.id),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    targetId: text('target_id').notNull(),
    platform: text('platform').notNull(),
    /** pending | sent | failed | held (its target was marked compromised before it went out) */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /**
     * The error code of the last attempt (`rate_limited`, `network`, …); null when it succeeded or
     * none was made. Tells a failed attempt from a wait the platform asked for.
     */
    lastAttemptCode: text('last_attempt_code'),
    /** ISO time before which the worker leaves it alone (backoff), after a restart too. */
    notBefore: text('not_before'),
    link: text('link'),
    /**
     * The instance sending it now, and until when its claim holds (renewed while it sends). An
     * instance that dies loses its claims when they expire; the other resumes from the first
     * unsent part. Null while nobody is sending it.
     */
    claimedBy: text('claimed_by'),
    claimExpiresAt: text('claim_expires_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  // deliveries_target: an incident's earlier statements on one target (its X thread, its pin) are read before each delivery's first request; without it SQLite walked every earlier delivery's parts.
  (t) => [uniqueIndex('deliveries_broadcast_target').on(t.broadcastId, t.targetId), index('deliveries_status').on(t.status), index('deliveries_target').on(t.targetId, t.id)],
);

/** One message of a delivery: a Discord/Telegram message of a split statement, or one post of an X thread. */
export const deliveryParts = sqliteTable(
  'delivery_parts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id').notNull().references(() => deliveries.id),
    idx: integer('idx').notNull(),
    /** pending | sending | sent | edited (a correction applied to an earlier message) | deleted */
    status: text('status').notNull(),
    /** Sent with the request so the platform can refuse a second copy (Discord's enforce_nonce). */
    nonce: text('nonce').notNull(),
    messageId: text('message_id'),
    chatId: text('chat_id'),
    url: text('url'),
    /** What this part said when it went out: X refuses a post repeating one of the last day's. */
    text: text('text'),
    sentAt: text('sent_at'),
    /**
     * herald pinned this message and has not unpinned it: the one pin of its incident on the
     * target, or one a failed unpin left up, which the next statement tries again.
     */
    pinned: integer('pinned', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [uniqueIndex('delivery_parts_delivery_idx').on(t.deliveryId, t.idx)],
);

/** A drill broadcast's timings for the review, recorded once when its last delivery settles. */
export const drillTimings = sqliteTable('drill_timings', {
  broadcastId: integer('broadcast_id').primaryKey().references(() => broadcasts.id),
  draftId: integer('draft_id').notNull().references(() => drafts.id),
  label: text('label').notNull(),
  /** The DrillTimings record, as the `drill.timings` audit event carries it. */
  timingsJson: text('timings_json').notNull(),
  recordedAt: text('recorded_at').notNull().default(now),
});

export const receivedCommands = sqliteTable(
  'received_commands',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    chatId: text('chat_id').notNull(),
    userId: text('user_id').notNull(),
    rawText: text('raw_text').notNull(),
    receivedAt: text('received_at').notNull().default(now),
  },
  (t) => [uniqueIndex('received_commands_event').on(t.platform, t.eventId)],
);

/** Where each draft's preview was shown, so it can be edited as deliveries land. */
export const previews = sqliteTable(
  'previews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    messageId: text('message_id').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [index('previews_draft').on(t.draftId)],
);

/**
 * The revision of each draft that herald last showed in each chat (a preview posted or edited
 * there): a typed /approve in that chat approves only that revision.
 */
export const shownRevisions = sqliteTable(
  'shown_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    revisionId: integer('revision_id').notNull().references(() => revisions.id),
    shownAt: text('shown_at').notNull().default(now),
  },
  (t) => [uniqueIndex('shown_revisions_chat').on(t.draftId, t.platform, t.chatId)],
);

export const faqReplies = sqliteTable('faq_replies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  topic: text('topic').notNull(),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  userId: text('user_id').notNull(),
  public: integer('public', { mode: 'boolean' }).notNull(),
  messageId: text('message_id'),
  createdAt: text('created_at').notNull().default(now),
});

/** Append-only and hash-chained; triggers in the migration refuse UPDATE and DELETE. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    seq: integer('seq').primaryKey(),
    ts: text('ts').notNull(),
    type: text('type').notNull(),
    actor: text('actor'),
    platform: text('platform'),
    chatId: text('chat_id'),
    draftId: integer('draft_id'),
    data: text('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_events_draft').on(t.draftId), index('audit_events_ts').on(t.ts)],
);

/**
 * herald's Ed25519 signature of one posted message (a part of a delivery) as it went out, so
 * anyone holding the public key can tell herald's statements from an impostor's. `form` is
 * `posted` (the text sent) or `shown` (Discord's text as it reads once its Markdown is rendered,
 * which is what a member copies). A part edited by a correction is signed again for its new text.
 */
export const statementSignatures = sqliteTable(
  'statement_signatures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partId: integer('part_id').notNull().references(() => deliveryParts.id),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    platform: text('platform').notNull(),
    targetId: text('target_id').notNull(),
    form: text('form').notNull(),
    /** SHA-256 of the part's text as stored in delivery_parts.text: which version of the part this signs. */
    partTextSha256: text('part_text_sha256').notNull(),
    /** The canonical text that was signed (src/trust/canonical.ts) and its SHA-256, the lookup key of `herald verify`. */
    text: text('text').notNull(),
    textSha256: text('text_sha256').notNull(),
    postedAt: text('posted_at').notNull(),
    keyId: text('key_id').notNull(),
    signature: text('signature').notNull(),
    signedAt: text('signed_at').notNull().default(now),
  },
  (t) => [uniqueIndex('statement_signatures_part_form').on(t.partId, t.form, t.partTextSha256), index('statement_signatures_text').on(t.textSha256)],
);

/**
 * The status site's publications: one row per destination (status_site.publish), the outbox of
 * the site's builds. A build supersedes the one before, so a destination waits for the latest
 * only: each new build bumps `version`, and the row is published once that version went out.
 */
export const sitePublications = sqliteTable('site_publications', {
  destination: text('destination').primaryKey(),
  /** pending | published | failed */
  status: text('status').notNull(),
  /** The build wanted out, counted up on every build that changed the site. */
  version: integer('version').notNull().default(0),
  publishedVersion: integer('published_version'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  /** ISO time before which the worker leaves it alone (backoff), after a restart too. */
  notBefore: text('not_before'),
  /** Where the latest publication can be seen: its public URL, the folder, or the commit pushed. */
  link: text('link'),
  publishedAt: text('published_at'),
  updatedAt: text('updated_at').notNull().default(now),
});

/**
 * What runs on one instance at a time (the Discord gateway's command handling, Telegram's long
 * polling, the reminders, the status-site publisher): one row per singleton, held by `holder`
 * until `expires_at`. `epoch` counts up at every change of holder; a write only the holder may
 * make checks it in the same transaction (a fencing token), so a holder that paused past its
 * lease cannot write over its successor.
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  epoch: integer('epoch').notNull(),
  expiresAt: text('expires_at').notNull(),
  acquiredAt: text('acquired_at').notNull(),
  renewedAt: text('renewed_at').notNull(),
});
