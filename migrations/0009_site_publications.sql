CREATE TABLE `site_publications` (
	`destination` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`published_version` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`not_before` text,
	`link` text,
	`published_at` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
