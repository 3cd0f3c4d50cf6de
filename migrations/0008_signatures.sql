CREATE TABLE `statement_signatures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`part_id` integer NOT NULL,
	`draft_id` integer NOT NULL,
	`platform` text NOT NULL,
	`target_id` text NOT NULL,
	`form` text NOT NULL,
	`part_text_sha256` text NOT NULL,
	`text` text NOT NULL,
	`text_sha256` text NOT NULL,
	`posted_at` text NOT NULL,
	`key_id` text NOT NULL,
	`signature` text NOT NULL,
	`signed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`part_id`) REFERENCES `delivery_parts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`draft_id`) REFERENCES `drafts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statement_signatures_part_form` ON `statement_signatures` (`part_id`,`form`,`part_text_sha256`);--> statement-breakpoint
CREATE INDEX `statement_signatures_text` ON `statement_signatures` (`text_sha256`);