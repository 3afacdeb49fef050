-- FHIR ingestion (ADR 0008): the submission log and the quarantine. The log holds no clinical
-- content: who sent what kind of resource when, and what became of each entry. The quarantine
-- holds the resources that could not be matched to a resident, for an administrator to decide.
CREATE SCHEMA IF NOT EXISTS "ingest";

CREATE TABLE "ingest"."submission" (
    "id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "sender_ods" TEXT NOT NULL,
    "interaction" TEXT NOT NULL CHECK ("interaction" IN ('transaction', 'batch', 'create', 'update')),
    "entry_count" INTEGER NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "submission_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "submission_source_received_idx" ON "ingest"."submission"("source_id", "received_at");

CREATE TABLE "ingest"."submission_entry" (
    "submission_id" TEXT NOT NULL REFERENCES "ingest"."submission"("id"),
    "index" INTEGER NOT NULL,
    "resource_type" TEXT NOT NULL,
    "status" TEXT NOT NULL CHECK ("status" IN ('QUEUED', 'APPLIED', 'DUPLICATE', 'SUPERSEDED', 'QUARANTINED', 'REJECTED')),
    "reason" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "submission_entry_pkey" PRIMARY KEY ("submission_id", "index")
);
CREATE INDEX "submission_entry_status_idx" ON "ingest"."submission_entry"("status") WHERE "status" IN ('QUEUED', 'QUARANTINED');

CREATE TABLE "ingest"."quarantine" (
    "submission_id" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "resource_type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    -- What the sender named, as sent (it may be invalid): what the administrator matches against.
    "nhs_number_sent" TEXT,
    "entry" JSONB NOT NULL,
    "meta" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING' CHECK ("status" IN ('PENDING', 'MATCHED', 'REJECTED')),
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "quarantined_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "quarantine_pkey" PRIMARY KEY ("submission_id", "index"),
    CONSTRAINT "quarantine_submission_entry_fkey" FOREIGN KEY ("submission_id", "index") REFERENCES "ingest"."submission_entry"("submission_id", "index"),
    CONSTRAINT "quarantine_decided" CHECK (("status" = 'PENDING') = ("decided_at" IS NULL))
);
CREATE INDEX "quarantine_pending_idx" ON "ingest"."quarantine"("quarantined_at") WHERE "status" = 'PENDING';
