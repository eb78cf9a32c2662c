DROP INDEX `offenders_wasted_idx`;--> statement-breakpoint
DROP INDEX `offenders_last_seen_idx`;--> statement-breakpoint
CREATE INDEX `offenders_traces_idx` ON `offenders` (`traces`,`wasted_ms`,`id`);--> statement-breakpoint
CREATE INDEX `offenders_repeats_idx` ON `offenders` (`repeats_max`,`wasted_ms`,`id`);--> statement-breakpoint
CREATE INDEX `offenders_status_idx` ON `offenders` (`status`,`wasted_ms`,`id`);--> statement-breakpoint
CREATE INDEX `offenders_orm_idx` ON `offenders` (`orm`);--> statement-breakpoint
CREATE INDEX `offenders_wasted_idx` ON `offenders` (`wasted_ms`,`id`);--> statement-breakpoint
CREATE INDEX `offenders_last_seen_idx` ON `offenders` (`last_seen`,`wasted_ms`,`id`);