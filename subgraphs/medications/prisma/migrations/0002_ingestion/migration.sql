-- Medications subgraph: FHIR ingestion (issue 11). The business key of an ingested prescription or
-- dispense and the version applied, with its provenance; the identifier key a pharmacy's dispense
-- finds its prescription by; a dispense withdrawn as entered in error. Nullable: seeded rows have no
-- sender, identifier or version, and PostgreSQL's unique index allows any number of NULL keys.
ALTER TABLE "medications"."medication_request" ADD COLUMN "source_key" TEXT,
    ADD COLUMN "identifier_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "medication_request_source_key_key" ON "medications"."medication_request"("source_key");
CREATE INDEX "medication_request_identifier_key_idx" ON "medications"."medication_request"("identifier_key");

ALTER TABLE "medications"."medication_dispense" ADD COLUMN "entered_in_error" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "medication_dispense_source_key_key" ON "medications"."medication_dispense"("source_key");
