ALTER TABLE `ignore_rules` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `offenders` ADD `status_changed_by` text;