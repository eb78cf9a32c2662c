CREATE TABLE `occurrences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`offender_id` text NOT NULL,
	`trace_id` text NOT NULL,
	`repeats` integer NOT NULL,
	`total_ms` real NOT NULL,
	`wasted_ms` real NOT NULL,
	`seen_at` integer NOT NULL,
	FOREIGN KEY (`offender_id`) REFERENCES `offenders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `occurrences_offender_seen_idx` ON `occurrences` (`offender_id`,`seen_at`);--> statement-breakpoint
CREATE INDEX `occurrences_offender_trace_idx` ON `occurrences` (`offender_id`,`trace_id`);--> statement-breakpoint
CREATE TABLE `offenders` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`service` text NOT NULL,
	`endpoint` text NOT NULL,
	`statement` text NOT NULL,
	`fingerprint` text NOT NULL,
	`source_statement` text,
	`db_system` text,
	`orm` text,
	`guidance` text NOT NULL,
	`repeats_max` integer NOT NULL,
	`repeats_median` real NOT NULL,
	`occurrences` integer NOT NULL,
	`traces` integer NOT NULL,
	`wasted_ms` real NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`sample_trace_id` text NOT NULL,
	`sample_spans` text NOT NULL,
	`code_function` text,
	`code_file` text,
	`code_line` integer
);
--> statement-breakpoint
CREATE INDEX `offenders_wasted_idx` ON `offenders` (`wasted_ms`);--> statement-breakpoint
CREATE INDEX `offenders_last_seen_idx` ON `offenders` (`last_seen`);