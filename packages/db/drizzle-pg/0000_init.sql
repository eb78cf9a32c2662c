CREATE TABLE "alert_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"destination_id" text NOT NULL,
	"kind" text NOT NULL,
	"event" text,
	"offender_ids" jsonb NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"last_status" bigint,
	"lease_until" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_destinations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"type" text NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"filter" jsonb NOT NULL,
	"enabled" boolean NOT NULL,
	"disabled_reason" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "alert_destinations_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"offender_id" text NOT NULL,
	"event" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_notified" (
	"destination_id" text NOT NULL,
	"offender_id" text NOT NULL,
	"event" text NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "alert_notified_destination_id_offender_id_pk" PRIMARY KEY("destination_id","offender_id")
);
--> statement-breakpoint
CREATE TABLE "ignore_rules" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"service" text,
	"endpoint" text,
	"statement" text,
	"reason" text,
	"created_at" bigint NOT NULL,
	"created_by" text
);
--> statement-breakpoint
CREATE TABLE "offender_hours" (
	"offender_id" text NOT NULL,
	"hour_start" bigint NOT NULL,
	"occurrences" bigint NOT NULL,
	"wasted_ms" double precision NOT NULL,
	"repeats_max" bigint NOT NULL,
	CONSTRAINT "offender_hours_offender_id_hour_start_pk" PRIMARY KEY("offender_id","hour_start")
);
--> statement-breakpoint
CREATE TABLE "offenders" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"service" text NOT NULL,
	"endpoint" text NOT NULL,
	"statement" text NOT NULL,
	"fingerprint" text NOT NULL,
	"source_statement" text,
	"chain" jsonb NOT NULL,
	"parallel" boolean NOT NULL,
	"db_system" text,
	"orm" text,
	"guidance" jsonb NOT NULL,
	"repeats_max" bigint NOT NULL,
	"repeats_histogram" jsonb NOT NULL,
	"repeats_median" double precision NOT NULL,
	"occurrences" bigint NOT NULL,
	"traces" bigint NOT NULL,
	"wasted_ms" double precision NOT NULL,
	"first_seen" bigint NOT NULL,
	"last_seen" bigint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"status_changed_at" bigint,
	"status_changed_by" text,
	"sample_trace_id" text NOT NULL,
	"sample_spans" jsonb NOT NULL,
	"example_trace_ids" jsonb NOT NULL,
	"code_function" text,
	"code_file" text,
	"code_line" bigint,
	"environment" text
);
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_destination_id_alert_destinations_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."alert_destinations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_offender_id_offenders_id_fk" FOREIGN KEY ("offender_id") REFERENCES "public"."offenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_notified" ADD CONSTRAINT "alert_notified_destination_id_alert_destinations_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."alert_destinations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_notified" ADD CONSTRAINT "alert_notified_offender_id_offenders_id_fk" FOREIGN KEY ("offender_id") REFERENCES "public"."offenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offender_hours" ADD CONSTRAINT "offender_hours_offender_id_offenders_id_fk" FOREIGN KEY ("offender_id") REFERENCES "public"."offenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deliveries_due_idx" ON "alert_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "alert_deliveries_destination_idx" ON "alert_deliveries" USING btree ("destination_id","created_at");--> statement-breakpoint
CREATE INDEX "offender_hours_hour_idx" ON "offender_hours" USING btree ("hour_start");--> statement-breakpoint
CREATE INDEX "offenders_wasted_idx" ON "offenders" USING btree ("wasted_ms","id");--> statement-breakpoint
CREATE INDEX "offenders_last_seen_idx" ON "offenders" USING btree ("last_seen","wasted_ms","id");--> statement-breakpoint
CREATE INDEX "offenders_traces_idx" ON "offenders" USING btree ("traces","wasted_ms","id");--> statement-breakpoint
CREATE INDEX "offenders_repeats_idx" ON "offenders" USING btree ("repeats_max","wasted_ms","id");--> statement-breakpoint
CREATE INDEX "offenders_status_idx" ON "offenders" USING btree ("status","wasted_ms","id");--> statement-breakpoint
CREATE INDEX "offenders_service_endpoint_idx" ON "offenders" USING btree ("service","endpoint");--> statement-breakpoint
CREATE INDEX "offenders_orm_idx" ON "offenders" USING btree ("orm");