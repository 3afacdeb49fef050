-- An administrator's decisions on quarantined entries (ADR 0008; residents subgraph,
-- subgraphs/residents/quarantine.ts), kept in the rows they decide: who (decided_by), when
-- (decided_at), why (note) and, for a match, the resident's NHS number the administrator chose.
--
-- Each row gets an opaque id (platform/ids/opaque-id.ts: a type prefix and lower-case letters, 122
-- random bits of gen_random_uuid with its hex digits spelled as letters g-p), so no part of it is
-- or looks like an NHS number or a date. The entries a decision covers (one patient as sent in one
-- submission) are known by the id of their first entry.
ALTER TABLE "ingest"."quarantine"
    ADD COLUMN "id" TEXT NOT NULL DEFAULT ('QE-' || translate(replace(gen_random_uuid()::text, '-', ''), '0123456789', 'ghijklmnop')),
    ADD COLUMN "note" TEXT,
    ADD COLUMN "matched_nhs_number" TEXT,
    ADD CONSTRAINT "quarantine_id_key" UNIQUE ("id"),
    -- A decision always says who made it and why; a match always names the resident, and only a match does.
    ADD CONSTRAINT "quarantine_decision_recorded" CHECK ("status" = 'PENDING' OR ("decided_by" IS NOT NULL AND "note" IS NOT NULL)),
    ADD CONSTRAINT "quarantine_matched_number" CHECK (("status" = 'MATCHED') = ("matched_nhs_number" IS NOT NULL));

-- The administrator's list: one status, oldest first.
CREATE INDEX "quarantine_status_idx" ON "ingest"."quarantine"("status", "quarantined_at", "submission_id", "index");
