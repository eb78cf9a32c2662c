CREATE TABLE "journal_requests" (
	"journal" text NOT NULL,
	"request" text NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "journal_requests_journal_request_pk" PRIMARY KEY("journal","request")
);
--> statement-breakpoint
CREATE INDEX "journal_requests_seq" ON "journal_requests" USING btree ("journal","seq");