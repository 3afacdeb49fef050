-- Labs subgraph: FHIR ingestion (issue 11). The business key of an ingested report and the version
-- applied, with its provenance. Nullable: seeded reports have no sender, identifier or version, and
-- PostgreSQL's unique index allows any number of NULL keys (see prisma/schema.prisma).
ALTER TABLE "labs"."diagnostic_report" ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "diagnostic_report_source_key_key" ON "labs"."diagnostic_report"("source_key");
