-- Residents subgraph: initial schema. Written to match prisma/schema.prisma exactly
-- (test/schema-drift.test.ts compares them).
CREATE TYPE "residents"."Sex" AS ENUM ('FEMALE', 'MALE', 'OTHER', 'UNKNOWN');
CREATE TYPE "residents"."AllergyClinicalStatus" AS ENUM ('ACTIVE', 'INACTIVE', 'RESOLVED');
CREATE TYPE "residents"."AllergyVerificationStatus" AS ENUM ('UNCONFIRMED', 'PRESUMED', 'CONFIRMED', 'REFUTED', 'ENTERED_IN_ERROR');
CREATE TYPE "residents"."AllergyCategory" AS ENUM ('FOOD', 'MEDICATION', 'ENVIRONMENT', 'BIOLOGIC');
CREATE TYPE "residents"."AllergyCriticality" AS ENUM ('LOW', 'HIGH', 'UNABLE_TO_ASSESS');
CREATE TYPE "residents"."ConditionClinicalStatus" AS ENUM ('ACTIVE', 'RECURRENCE', 'RELAPSE', 'INACTIVE', 'REMISSION', 'RESOLVED');
CREATE TYPE "residents"."ConditionCategory" AS ENUM ('PROBLEM_LIST_ITEM', 'ENCOUNTER_DIAGNOSIS', 'SIGNIFICANT_HISTORY');
CREATE TYPE "residents"."RestrictedCategory" AS ENUM ('ASSISTED_FERTILISATION', 'SEXUALLY_TRANSMITTED_INFECTION', 'TERMINATION_OF_PREGNANCY', 'GENDER_REASSIGNMENT');

CREATE TABLE "residents"."care_home" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "borough" TEXT NOT NULL,
    "postcode" TEXT NOT NULL,
    "bed_count" INTEGER NOT NULL,
    CONSTRAINT "care_home_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "residents"."gp_practice" (
    "ods_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "borough" TEXT NOT NULL,
    "postcode" TEXT NOT NULL,
    CONSTRAINT "gp_practice_pkey" PRIMARY KEY ("ods_code")
);

CREATE TABLE "residents"."resident" (
    "nhs_number" CHAR(10) NOT NULL,
    "given_name" TEXT NOT NULL,
    "family_name" TEXT NOT NULL,
    "date_of_birth" DATE NOT NULL,
    "sex" "residents"."Sex" NOT NULL,
    "gp_practice_code" TEXT NOT NULL,
    "sharing_objection" BOOLEAN NOT NULL DEFAULT false,
    "objection_recorded_at" TIMESTAMPTZ(3),
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "resident_pkey" PRIMARY KEY ("nhs_number"),
    CONSTRAINT "resident_gp_practice_code_fkey" FOREIGN KEY ("gp_practice_code") REFERENCES "residents"."gp_practice"("ods_code") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "resident_gp_practice_code_idx" ON "residents"."resident"("gp_practice_code");

CREATE TABLE "residents"."placement" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "care_home_id" TEXT NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "placement_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "placement_nhs_number_fkey" FOREIGN KEY ("nhs_number") REFERENCES "residents"."resident"("nhs_number") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "placement_care_home_id_fkey" FOREIGN KEY ("care_home_id") REFERENCES "residents"."care_home"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "placement_nhs_number_idx" ON "residents"."placement"("nhs_number");
CREATE INDEX "placement_care_home_id_end_date_nhs_number_idx" ON "residents"."placement"("care_home_id", "end_date", "nhs_number");

CREATE TABLE "residents"."allergy" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "code" TEXT NOT NULL,
    "display" TEXT NOT NULL,
    "clinical_status" "residents"."AllergyClinicalStatus" NOT NULL,
    "verification_status" "residents"."AllergyVerificationStatus" NOT NULL,
    "category" "residents"."AllergyCategory" NOT NULL,
    "criticality" "residents"."AllergyCriticality" NOT NULL,
    "reactions" JSONB NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "allergy_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "allergy_nhs_number_fkey" FOREIGN KEY ("nhs_number") REFERENCES "residents"."resident"("nhs_number") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "allergy_nhs_number_idx" ON "residents"."allergy"("nhs_number");

CREATE TABLE "residents"."condition" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "code" TEXT NOT NULL,
    "display" TEXT NOT NULL,
    "clinical_status" "residents"."ConditionClinicalStatus" NOT NULL,
    "category" "residents"."ConditionCategory" NOT NULL,
    "onset_date" DATE,
    "abatement_date" DATE,
    "restricted_category" "residents"."RestrictedCategory",
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "condition_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "condition_nhs_number_fkey" FOREIGN KEY ("nhs_number") REFERENCES "residents"."resident"("nhs_number") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "condition_nhs_number_idx" ON "residents"."condition"("nhs_number");
