CREATE TABLE `break_glass` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`draft_id` integer NOT NULL,
	`revision_id` integer NOT NULL,
	`incident_id` integer,
	`used_by` text NOT NULL,
	`used_by_name` text NOT NULL,
	`reason` text NOT NULL,
	`used_at` text NOT NULL,
	`ratify_by` text NOT NULL,
	`ratified_at` text,
	`ratified_by` text,
	`last_reminder_at` text,
	FOREIGN KEY (`draft_id`) REFERENCES `drafts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revision_id`) REFERENCES `revisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`severity` text,
	`status` text NOT NULL,
	`opened_at` text NOT NULL,
	`opened_by` text NOT NULL,
	`closed_at` text,
	`closed_by` text,
	`closed_reason` text
);
--> statement-breakpoint
CREATE TABLE `promises` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`draft_id` integer NOT NULL,
	`revision_id` integer NOT NULL,
	`due_at` text NOT NULL,
	`made_at` text NOT NULL,
	`last_reminder_at` text,
	`outcome` text,
	`settled_at` text,
	`settled_by_draft_id` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`draft_id`) REFERENCES `drafts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revision_id`) REFERENCES `revisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`settled_by_draft_id`) REFERENCES `drafts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `promises_open` ON `promises` (`outcome`);--> statement-breakpoint
ALTER TABLE `drafts` ADD `incident_id` integer REFERENCES incidents(id);--> statement-breakpoint
ALTER TABLE `drafts` ADD `holding` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `revisions` ADD `next_update_at` text;