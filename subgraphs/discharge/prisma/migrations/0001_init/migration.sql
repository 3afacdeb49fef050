-- Discharge subgraph: initial schema (matches prisma/schema.prisma; see test/schema-drift.test.ts).
CREATE TYPE "discharge"."HospitalStayStatus" AS ENUM ('IN_PROGRESS', 'FINISHED');
CREATE TYPE "discharge"."AdmissionMethod" AS ENUM ('EMERGENCY', 'ELECTIVE', 'TRANSFER');
CREATE TYPE "discharge"."DischargeDestination" AS ENUM ('CARE_HOME', 'USUAL_PLACE_OF_RESIDENCE', 'HOSPICE', 'OTHER_HOSPITAL');
CREATE TYPE "discharge"."EmergencyCareKind" AS ENUM ('ED_ATTENDANCE', 'AMBULANCE_CONVEYANCE', 'AMBULANCE_SEE_AND_TREAT');

CREATE TABLE "discharge"."hospital_stay" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "hospital_name" TEXT NOT NULL,
    "hospital_ods" TEXT NOT NULL,
    "ward" TEXT NOT NULL,
    "status" "discharge"."HospitalStayStatus" NOT NULL,
    "admitted_at" TIMESTAMPTZ(3) NOT NULL,
    "discharged_at" TIMESTAMPTZ(3),
    "reason" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "hospital_stay_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "hospital_stay_nhs_number_admitted_at_idx" ON "discharge"."hospital_stay"("nhs_number", "admitted_at");
CREATE INDEX "hospital_stay_nhs_number_status_idx" ON "discharge"."hospital_stay"("nhs_number", "status");

CREATE TABLE "discharge"."discharge_summary" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "stay_id" TEXT NOT NULL,
    "hospital_name" TEXT NOT NULL,
    "hospital_ods" TEXT NOT NULL,
    "author_name" TEXT NOT NULL,
    "author_role" TEXT NOT NULL,
    "completed_by_name" TEXT NOT NULL,
    "completed_by_role" TEXT NOT NULL,
    "completed_by_code" TEXT NOT NULL,
    "admitted_at" TIMESTAMPTZ(3) NOT NULL,
    "admission_method" "discharge"."AdmissionMethod" NOT NULL,
    "admission_reason" TEXT NOT NULL,
    "discharged_at" TIMESTAMPTZ(3) NOT NULL,
    "destination" "discharge"."DischargeDestination" NOT NULL,
    "diagnoses" JSONB NOT NULL,
    "clinical_summary" TEXT NOT NULL,
    "procedures" JSONB NOT NULL,
    "medication_changes" JSONB NOT NULL,
    "allergies_text" TEXT NOT NULL,
    "planned_actions" JSONB NOT NULL,
    "information_given" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "discharge_summary_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "discharge_summary_stay_id_fkey" FOREIGN KEY ("stay_id") REFERENCES "discharge"."hospital_stay"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "discharge_summary_stay_id_key" ON "discharge"."discharge_summary"("stay_id");
CREATE INDEX "discharge_summary_nhs_number_discharged_at_idx" ON "discharge"."discharge_summary"("nhs_number", "discharged_at");

CREATE TABLE "discharge"."emergency_care_summary" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "kind" "discharge"."EmergencyCareKind" NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "provider_name" TEXT NOT NULL,
    "provider_ods" TEXT NOT NULL,
    "presenting_complaint" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "emergency_care_summary_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "emergency_care_summary_nhs_number_occurred_at_idx" ON "discharge"."emergency_care_summary"("nhs_number", "occurred_at");
