import { integer, pgTable, text, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/*
 * The PostgreSQL twin of ../schema.ts, for drizzle-kit's PostgreSQL migrations
 * (migrations/postgres). The core queries through ../schema.ts on both engines
 * (./client.ts runs them here), so the two keep one row format: the same column names,
 * ISO-8601 text for times and 0/1 integers for flags. test/store/engines.test.ts compares the
 * two migrated databases column by column. Comments on what each column means live in ../schema.ts.
 */
const now = sql`(to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
export const incidents = pgTable('incidents', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  title: text('title').notNull(),
  severity: text('severity'),
  status: text('status').notNull(),
  openedAt: text('opened_at').notNull(),
  openedBy: text('opened_by').notNull(),
  closedAt: text('closed_at'),
  closedBy: text('closed_by'),
  closedReason: text('closed_reason'),
});

export const drafts = pgTable('drafts', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  incidentId: integer('incident_id').references(() => incidents.id),
  holding: integer('holding').notNull().default(0),
  templateId: text('template_id').notNull(),
  severity: text('severity').notNull(),
  author: text('author').notNull(),
  authorName: text('author_name').notNull(),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  status: text('status').notNull(),
  pendingRevisionId: integer('pending_revision_id'),
  publishedRevisionId: integer('published_revision_id'),
  closedReason: text('closed_reason'),
  channelTarget: text('channel_target'),
  channelChange: text('channel_change'),
  channelReason: text('channel_reason'),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

export const revisions = pgTable(
  'revisions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    number: integer('number').notNull(),
    kind: text('kind').notNull(),
    valuesJson: text('values_json').notNull(),
    templateHash: text('template_hash').notNull(),
    contentHash: text('content_hash').notNull(),
    renderedJson: text('rendered_json').notNull(),
    reason: text('reason'),
    nextUpdateAt: text('next_update_at'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('revisions_draft_number').on(t.draftId, t.number)],
);

export const approvals = pgTable(
  'approvals',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
export const promises = pgTable(
  'promises',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    revisionId: integer('revision_id').notNull().references(() => revisions.id),
    dueAt: text('due_at').notNull(),
    madeAt: text('made_at').notNull(),
    lastReminderAt: text('last_reminder_at'),
    outcome: text('outcome'),
    settledAt: text('settled_at'),
    settledByDraftId: integer('settled_by_draft_id').references(() => drafts.id),
  },
  (t) => [index('promises_open').on(t.outcome)],
);
export const breakGlass = pgTable('break_glass', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  draftId: integer('draft_id').notNull().references(() => drafts.id),
  revisionId: integer('revision_id').notNull().references(() => revisions.id),
  incidentId: integer('incident_id').references(() => incidents.id),
  usedBy: text('used_by').notNull(),
  usedByName: text('used_by_name').notNull(),
  reason: text('reason').notNull(),
  usedAt: text('used_at').notNull(),
  ratifyBy: text('ratify_by').notNull(),
  ratifiedAt: text('ratified_at'),
  ratifiedBy: text('ratified_by'),
  lastReminderAt: text('last_reminder_at'),
});
export const compromisedTargets = pgTable(
  'compromised_targets',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    targetId: text('target_id').notNull(),
    platform: text('platform').notNull(),
    channel: text('channel').notNull(),
    what: text('what').notNull(),
    since: text('since').notNull(),
    markedBy: text('marked_by').notNull(),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    restoredAt: text('restored_at'),
    restoredBy: text('restored_by'),
    restoreDraftId: integer('restore_draft_id').references(() => drafts.id),
  },
  (t) => [uniqueIndex('compromised_targets_marked').on(t.targetId).where(sql`restored_at IS NULL`)],
);

export const broadcasts = pgTable('broadcasts', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  draftId: integer('draft_id').notNull().references(() => drafts.id),
  revisionId: integer('revision_id').notNull().references(() => revisions.id),
  kind: text('kind').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

export const deliveries = pgTable(
  'deliveries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    broadcastId: integer('broadcast_id').notNull().references(() => broadcasts.id),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    targetId: text('target_id').notNull(),
    platform: text('platform').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    lastAttemptCode: text('last_attempt_code'),
    notBefore: text('not_before'),
    link: text('link'),
    claimedBy: text('claimed_by'),
    claimExpiresAt: text('claim_expires_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  // deliveries_target: an incident's earlier statements on one target (its X thread, its pin) are read before each delivery's first request; without it SQLite walked every earlier delivery's parts.
  (t) => [uniqueIndex('deliveries_broadcast_target').on(t.broadcastId, t.targetId), index('deliveries_status').on(t.status), index('deliveries_target').on(t.targetId, t.id)],
);
export const deliveryParts = pgTable(
  'delivery_parts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    deliveryId: integer('delivery_id').notNull().references(() => deliveries.id),
    idx: integer('idx').notNull(),
    status: text('status').notNull(),
    nonce: text('nonce').notNull(),
    messageId: text('message_id'),
    chatId: text('chat_id'),
    url: text('url'),
    text: text('text'),
    sentAt: text('sent_at'),
    pinned: integer('pinned').notNull().default(0),
  },
  (t) => [uniqueIndex('delivery_parts_delivery_idx').on(t.deliveryId, t.idx)],
);
export const drillTimings = pgTable('drill_timings', {
  broadcastId: integer('broadcast_id').primaryKey().references(() => broadcasts.id),
  draftId: integer('draft_id').notNull().references(() => drafts.id),
  label: text('label').notNull(),
  timingsJson: text('timings_json').notNull(),
  recordedAt: text('recorded_at').notNull().default(now),
});

export const receivedCommands = pgTable(
  'received_commands',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    chatId: text('chat_id').notNull(),
    userId: text('user_id').notNull(),
    rawText: text('raw_text').notNull(),
    receivedAt: text('received_at').notNull().default(now),
  },
  (t) => [uniqueIndex('received_commands_event').on(t.platform, t.eventId)],
);
export const previews = pgTable(
  'previews',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    messageId: text('message_id').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [index('previews_draft').on(t.draftId)],
);
export const shownRevisions = pgTable(
  'shown_revisions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    revisionId: integer('revision_id').notNull().references(() => revisions.id),
    shownAt: text('shown_at').notNull().default(now),
  },
  (t) => [uniqueIndex('shown_revisions_chat').on(t.draftId, t.platform, t.chatId)],
);

export const faqReplies = pgTable('faq_replies', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  topic: text('topic').notNull(),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  userId: text('user_id').notNull(),
  public: integer('public').notNull(),
  messageId: text('message_id'),
  createdAt: text('created_at').notNull().default(now),
});
export const auditEvents = pgTable(
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
export const statementSignatures = pgTable(
  'statement_signatures',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    partId: integer('part_id').notNull().references(() => deliveryParts.id),
    draftId: integer('draft_id').notNull().references(() => drafts.id),
    platform: text('platform').notNull(),
    targetId: text('target_id').notNull(),
    form: text('form').notNull(),
    partTextSha256: text('part_text_sha256').notNull(),
    text: text('text').notNull(),
    textSha256: text('text_sha256').notNull(),
    postedAt: text('posted_at').notNull(),
    keyId: text('key_id').notNull(),
    signature: text('signature').notNull(),
    signedAt: text('signed_at').notNull().default(now),
  },
  (t) => [uniqueIndex('statement_signatures_part_form').on(t.partId, t.form, t.partTextSha256), index('statement_signatures_text').on(t.textSha256)],
);
export const sitePublications = pgTable('site_publications', {
  destination: text('destination').primaryKey(),
  status: text('status').notNull(),
  version: integer('version').notNull().default(0),
  publishedVersion: integer('published_version'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  notBefore: text('not_before'),
  link: text('link'),
  publishedAt: text('published_at'),
  updatedAt: text('updated_at').notNull().default(now),
});
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  epoch: integer('epoch').notNull(),
  expiresAt: text('expires_at').notNull(),
  acquiredAt: text('acquired_at').notNull(),
  renewedAt: text('renewed_at').notNull(),
});
