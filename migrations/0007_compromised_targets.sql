CREATE TABLE `compromised_targets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` text NOT NULL,
	`platform` text NOT NULL,
	`channel` text NOT NULL,
	`what` text NOT NULL,
	`since` text NOT NULL,
	`marked_by` text NOT NULL,
	`draft_id` integer NOT NULL,
	`restored_at` text,
	`restored_by` text,
	`restore_draft_id` integer,
	FOREIGN KEY (`draft_id`) REFERENCES `drafts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`restore_draft_id`) REFERENCES `drafts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `compromised_targets_marked` ON `compromised_targets` (`target_id`) WHERE restored_at IS NULL;--> statement-breakpoint
ALTER TABLE `drafts` ADD `channel_target` text;--> statement-breakpoint
ALTER TABLE `drafts` ADD `channel_change` text;--> statement-breakpoint
ALTER TABLE `drafts` ADD `channel_reason` text;