-- Discharge subgraph: FHIR ingestion (issue 11). Each table gets the business key of an ingested
-- row and the version applied, with its provenance (nullable: seeded rows have no sender, identifier
-- or version, and PostgreSQL's unique index allows any number of NULL keys). Stays keep the
-- admission method and discharge destination their Encounter gave (a discharge summary of the stay
-- takes them from there); stays and emergency contacts can be withdrawn (retracted) and summaries
-- carry their status as sent.
CREATE TYPE "discharge"."Retraction" AS ENUM ('CANCELLED', 'ENTERED_IN_ERROR');
CREATE TYPE "discharge"."DischargeSummaryStatus" AS ENUM ('FINAL', 'AMENDED', 'ENTERED_IN_ERROR');

ALTER TABLE "discharge"."hospital_stay" ADD COLUMN "admission_method" "discharge"."AdmissionMethod",
    ADD COLUMN "discharge_destination" "discharge"."DischargeDestination",
    ADD COLUMN "retracted" "discharge"."Retraction",
    ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "hospital_stay_source_key_key" ON "discharge"."hospital_stay"("source_key");

ALTER TABLE "discharge"."discharge_summary" ADD COLUMN "status" "discharge"."DischargeSummaryStatus" NOT NULL DEFAULT 'FINAL',
    ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "discharge_summary_source_key_key" ON "discharge"."discharge_summary"("source_key");

ALTER TABLE "discharge"."emergency_care_summary" ADD COLUMN "retracted" "discharge"."Retraction",
    ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "emergency_care_summary_source_key_key" ON "discharge"."emergency_care_summary"("source_key");
