-- Care plans subgraph: initial schema (matches prisma/schema.prisma; see test/schema-drift.test.ts).
CREATE TYPE "careplans"."CarePlanStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'APPROVED', 'SUPERSEDED');
CREATE TYPE "careplans"."PlaceOfCare" AS ENUM ('CARE_HOME', 'HOSPITAL', 'HOSPICE', 'HOME', 'NOT_STATED');
CREATE TYPE "careplans"."CprDecision" AS ENUM ('FOR_CPR', 'DNACPR', 'NOT_RECORDED');
CREATE TYPE "careplans"."CeilingOfTreatment" AS ENUM ('FULL_ESCALATION', 'WARD_BASED_CARE', 'COMFORT_CARE_ONLY', 'NOT_STATED');

CREATE TABLE "careplans"."care_plan" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "careplans"."CarePlanStatus" NOT NULL,
    "created_by_name" TEXT NOT NULL,
    "created_by_ods" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3),
    "clinical_detail_by" TEXT,
    "clinical_detail_ods" TEXT,
    "clinical_detail_at" TIMESTAMPTZ(3),
    "approved_at" TIMESTAMPTZ(3),
    "approved_by" TEXT,
    "review_date" DATE,
    "superseded_at" TIMESTAMPTZ(3),
    "what_matters_to_me" TEXT NOT NULL,
    "concerns" JSONB NOT NULL,
    "goals" JSONB NOT NULL,
    "actions" JSONB NOT NULL,
    "support_organisations" JSONB NOT NULL,
    "diagnoses" JSONB NOT NULL,
    "key_medications" JSONB NOT NULL,
    "wishes_and_preferences" TEXT,
    "preferred_place_of_care" "careplans"."PlaceOfCare" NOT NULL,
    "preferred_place_of_death" "careplans"."PlaceOfCare" NOT NULL,
    "emergency_plan" TEXT,
    "cpr_decision" "careplans"."CprDecision" NOT NULL,
    "cpr_decided_on" DATE,
    "cpr_review_on" DATE,
    "cpr_decided_by" TEXT,
    "ceiling_of_treatment" "careplans"."CeilingOfTreatment" NOT NULL,
    "ceiling_notes" TEXT,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "care_plan_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "care_plan_nhs_number_version_key" ON "careplans"."care_plan"("nhs_number", "version");
CREATE INDEX "care_plan_nhs_number_status_idx" ON "careplans"."care_plan"("nhs_number", "status");
-- At most one approved (current) plan per resident: urgent care must never see two.
CREATE UNIQUE INDEX "care_plan_one_approved_per_resident" ON "careplans"."care_plan"("nhs_number") WHERE "status" = 'APPROVED';
