CREATE TABLE `journal_traces` (
	`journal` text NOT NULL,
	`trace_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`journal`, `trace_id`)
);
--> statement-breakpoint
CREATE INDEX `journal_traces_seq` ON `journal_traces` (`journal`,`seq`);