CREATE TABLE `drill_timings` (
	`broadcast_id` integer PRIMARY KEY NOT NULL,
	`draft_id` integer NOT NULL,
	`label` text NOT NULL,
	`timings_json` text NOT NULL,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`draft_id`) REFERENCES `drafts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `deliveries` ADD `last_attempt_code` text;--> statement-breakpoint
ALTER TABLE `delivery_parts` ADD `text` text;