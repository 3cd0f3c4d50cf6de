CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`epoch` integer NOT NULL,
	`expires_at` text NOT NULL,
	`acquired_at` text NOT NULL,
	`renewed_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `deliveries` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `claim_expires_at` text;