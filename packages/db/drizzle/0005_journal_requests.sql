CREATE TABLE `journal_requests` (
	`journal` text NOT NULL,
	`request` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`journal`, `request`)
);
--> statement-breakpoint
CREATE INDEX `journal_requests_seq` ON `journal_requests` (`journal`,`seq`);