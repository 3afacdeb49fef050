-- Residents subgraph: FHIR ingestion (issue 11). Patient updates demographics (versioned by
-- meta.lastUpdated), EpisodeOfCare places residents, AllergyIntolerance and Condition add to the
-- record. Keys and provenance are nullable: seeded rows have no sender, identifier or version, and
-- PostgreSQL's unique index allows any number of NULL keys (see prisma/schema.prisma).
ALTER TYPE "residents"."RestrictedCategory" ADD VALUE IF NOT EXISTS 'SENDER_LABELLED';
CREATE TYPE "residents"."PlacementStatus" AS ENUM ('ACTIVE', 'FINISHED', 'CANCELLED', 'ENTERED_IN_ERROR');
CREATE TYPE "residents"."ConditionVerificationStatus" AS ENUM ('CONFIRMED', 'REFUTED', 'ENTERED_IN_ERROR');

ALTER TABLE "residents"."resident" ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;

ALTER TABLE "residents"."placement" ADD COLUMN "status" "residents"."PlacementStatus" NOT NULL DEFAULT 'ACTIVE',
    ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
-- A placement that has ended is FHIR's finished.
UPDATE "residents"."placement" SET "status" = 'FINISHED' WHERE "end_date" IS NOT NULL;
CREATE UNIQUE INDEX "placement_source_key_key" ON "residents"."placement"("source_key");

ALTER TABLE "residents"."allergy" ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "allergy_source_key_key" ON "residents"."allergy"("source_key");

ALTER TABLE "residents"."condition" ADD COLUMN "verification_status" "residents"."ConditionVerificationStatus",
    ADD COLUMN "source_key" TEXT,
    ADD COLUMN "source_version_at" TIMESTAMPTZ(3),
    ADD COLUMN "sender_ods" TEXT,
    ADD COLUMN "submission_id" TEXT;
CREATE UNIQUE INDEX "condition_source_key_key" ON "residents"."condition"("source_key");
