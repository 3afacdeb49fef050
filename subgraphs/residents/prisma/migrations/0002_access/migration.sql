-- Organisation registry (access preconditions) and break-glass sessions.
CREATE TYPE "residents"."OrganisationType" AS ENUM ('CARE_HOME', 'GP_PRACTICE', 'NHS111', 'OUT_OF_HOURS', 'AMBULANCE_SERVICE', 'EMERGENCY_DEPARTMENT', 'INTEGRATED_CARE_BOARD', 'RECORD_OPERATOR');

CREATE TABLE "residents"."organisation" (
    "ods_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "residents"."OrganisationType" NOT NULL,
    "dspt_standard_met" BOOLEAN NOT NULL,
    "dspt_assessed_on" DATE,
    "sharing_agreement_signed_on" DATE,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "organisation_pkey" PRIMARY KEY ("ods_code")
);

CREATE TABLE "residents"."break_glass" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "user_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "reason" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_at" TIMESTAMPTZ(3),
    "reviewed_by" TEXT,
    "review_note" TEXT,
    CONSTRAINT "break_glass_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "break_glass_user_id_nhs_number_expires_at_idx" ON "residents"."break_glass"("user_id", "nhs_number", "expires_at");
CREATE INDEX "break_glass_reviewed_at_started_at_idx" ON "residents"."break_glass"("reviewed_at", "started_at");
