-- Medications subgraph: initial schema (matches prisma/schema.prisma; see test/schema-drift.test.ts).
CREATE TYPE "medications"."MedicationRequestStatus" AS ENUM ('ACTIVE', 'ON_HOLD', 'CANCELLED', 'COMPLETED', 'ENTERED_IN_ERROR', 'STOPPED', 'DRAFT', 'UNKNOWN');
CREATE TYPE "medications"."MedicationCourse" AS ENUM ('ACUTE', 'REPEAT', 'REPEAT_DISPENSING');
CREATE TYPE "medications"."EpsPrescriptionStatus" AS ENUM ('TO_BE_DISPENSED', 'WITH_DISPENSER', 'WITH_DISPENSER_ACTIVE', 'DISPENSED', 'NOT_DISPENSED', 'CLAIMED', 'CANCELLED', 'EXPIRED');
CREATE TYPE "medications"."DispenseStatus" AS ENUM ('COMPLETED', 'PARTIAL', 'DECLINED');

CREATE TABLE "medications"."medication_request" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "medication_code" TEXT NOT NULL,
    "medication_name" TEXT NOT NULL,
    "status" "medications"."MedicationRequestStatus" NOT NULL,
    "course" "medications"."MedicationCourse" NOT NULL,
    "dosage_text" TEXT NOT NULL,
    "quantity_value" DOUBLE PRECISION NOT NULL,
    "quantity_unit" TEXT NOT NULL,
    "authored_on" TIMESTAMPTZ(3) NOT NULL,
    "prescriber_name" TEXT NOT NULL,
    "prescriber_ods" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "medication_request_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "medication_request_nhs_number_status_idx" ON "medications"."medication_request"("nhs_number", "status");

CREATE TABLE "medications"."eps_prescription" (
    "id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "prescription_id" TEXT NOT NULL,
    "status" "medications"."EpsPrescriptionStatus" NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "last_status_change_at" TIMESTAMPTZ(3) NOT NULL,
    "pharmacy_name" TEXT,
    "pharmacy_ods" TEXT,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "eps_prescription_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "eps_prescription_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "medications"."medication_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "eps_prescription_request_id_issued_at_idx" ON "medications"."eps_prescription"("request_id", "issued_at");

CREATE TABLE "medications"."medication_dispense" (
    "id" TEXT NOT NULL,
    "prescription_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "status" "medications"."DispenseStatus" NOT NULL,
    "pharmacy_name" TEXT NOT NULL,
    "pharmacy_ods" TEXT NOT NULL,
    "handed_over_at" TIMESTAMPTZ(3) NOT NULL,
    "quantity_value" DOUBLE PRECISION NOT NULL,
    "quantity_unit" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "medication_dispense_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "medication_dispense_prescription_id_fkey" FOREIGN KEY ("prescription_id") REFERENCES "medications"."eps_prescription"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "medication_dispense_request_id_handed_over_at_idx" ON "medications"."medication_dispense"("request_id", "handed_over_at");
CREATE INDEX "medication_dispense_prescription_id_idx" ON "medications"."medication_dispense"("prescription_id");
