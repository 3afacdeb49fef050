-- Labs subgraph: initial schema (matches prisma/schema.prisma; see test/schema-drift.test.ts).
CREATE TYPE "labs"."DiagnosticReportStatus" AS ENUM ('REGISTERED', 'PARTIAL', 'PRELIMINARY', 'FINAL', 'AMENDED', 'CORRECTED', 'APPENDED', 'CANCELLED', 'ENTERED_IN_ERROR');
CREATE TYPE "labs"."DiagnosticCategory" AS ENUM ('HAEMATOLOGY', 'CLINICAL_CHEMISTRY', 'MICROBIOLOGY', 'IMAGING', 'CARDIOLOGY');
CREATE TYPE "labs"."ObservationInterpretation" AS ENUM ('NORMAL', 'HIGH', 'LOW', 'CRITICAL_HIGH', 'CRITICAL_LOW', 'ABNORMAL');
CREATE TYPE "labs"."ObservationStatus" AS ENUM ('PRELIMINARY', 'FINAL', 'AMENDED', 'CORRECTED', 'CANCELLED', 'ENTERED_IN_ERROR');

CREATE TABLE "labs"."diagnostic_report" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "status" "labs"."DiagnosticReportStatus" NOT NULL,
    "category" "labs"."DiagnosticCategory" NOT NULL,
    "code" TEXT NOT NULL,
    "display" TEXT NOT NULL,
    "effective_at" TIMESTAMPTZ(3) NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "performer_name" TEXT NOT NULL,
    "performer_ods" TEXT NOT NULL,
    "requester" TEXT,
    "conclusion" TEXT,
    "abnormal" BOOLEAN NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "diagnostic_report_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "diagnostic_report_nhs_number_issued_at_idx" ON "labs"."diagnostic_report"("nhs_number", "issued_at");
CREATE INDEX "diagnostic_report_nhs_number_abnormal_issued_at_idx" ON "labs"."diagnostic_report"("nhs_number", "abnormal", "issued_at");

CREATE TABLE "labs"."observation" (
    "id" TEXT NOT NULL,
    "report_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "display" TEXT NOT NULL,
    "status" "labs"."ObservationStatus" NOT NULL,
    "value_quantity" DOUBLE PRECISION,
    "unit" TEXT,
    "value_string" TEXT,
    "reference_low" DOUBLE PRECISION,
    "reference_high" DOUBLE PRECISION,
    "reference_text" TEXT,
    "interpretation" "labs"."ObservationInterpretation" NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "observation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "observation_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "labs"."diagnostic_report"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "observation_report_id_idx" ON "labs"."observation"("report_id");
