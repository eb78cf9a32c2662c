CREATE TABLE `ignore_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text,
	`endpoint` text,
	`statement` text,
	`reason` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `offender_hours` (
	`offender_id` text NOT NULL,
	`hour_start` integer NOT NULL,
	`occurrences` integer NOT NULL,
	`wasted_ms` real NOT NULL,
	`repeats_max` integer NOT NULL,
	PRIMARY KEY(`offender_id`, `hour_start`),
	FOREIGN KEY (`offender_id`) REFERENCES `offenders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `offender_hours_hour_idx` ON `offender_hours` (`hour_start`);--> statement-breakpoint
CREATE TABLE `offenders` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`service` text NOT NULL,
	`endpoint` text NOT NULL,
	`statement` text NOT NULL,
	`fingerprint` text NOT NULL,
	`source_statement` text,
	`chain` text NOT NULL,
	`parallel` integer NOT NULL,
	`db_system` text,
	`orm` text,
	`guidance` text NOT NULL,
	`repeats_max` integer NOT NULL,
	`repeats_histogram` text NOT NULL,
	`repeats_median` real NOT NULL,
	`occurrences` integer NOT NULL,
	`traces` integer NOT NULL,
	`wasted_ms` real NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`status_changed_at` integer,
	`sample_trace_id` text NOT NULL,
	`sample_spans` text NOT NULL,
	`example_trace_ids` text NOT NULL,
	`code_function` text,
	`code_file` text,
	`code_line` integer
);
--> statement-breakpoint
CREATE INDEX `offenders_wasted_idx` ON `offenders` (`wasted_ms`);--> statement-breakpoint
CREATE INDEX `offenders_last_seen_idx` ON `offenders` (`last_seen`);--> statement-breakpoint
CREATE INDEX `offenders_service_endpoint_idx` ON `offenders` (`service`,`endpoint`);