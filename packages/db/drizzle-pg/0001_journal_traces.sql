CREATE TABLE "journal_traces" (
	"journal" text NOT NULL,
	"trace_id" text NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "journal_traces_journal_trace_id_pk" PRIMARY KEY("journal","trace_id")
);
--> statement-breakpoint
CREATE INDEX "journal_traces_seq" ON "journal_traces" USING btree ("journal","seq");