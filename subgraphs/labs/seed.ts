// Demo lab results: common care home panels with UK reference ranges and UCUM units, mostly
// normal, about one result in seven outside its range and a few critical.
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import { defineSeeder } from "../../platform/demo/seeder.js";
import { type DemoResident, type DemoWorld } from "../../platform/demo/world.js";
import { addDays, rngFor, type Random } from "../../platform/demo/random.js";
import { seededRecordId } from "../../platform/ids/opaque-id.js";
import { interpret } from "./interpretation.js";
import { createLabsRepository, type LabsBatch } from "./repository.js";
import type { DiagnosticCategory, DiagnosticReportStatus } from "./prisma/generated/enums.js";
import { about } from "./manifest.js";

const SOURCE = about.sourceSystem;

interface Analyte {
  code: string;
  display: string;
  unit: string;
  low: number | null;
  high: number | null;
  criticalLow?: number;
  criticalHigh?: number;
  decimals: number;
}

interface Panel {
  code: string;
  display: string;
  category: DiagnosticCategory;
  analytes: Analyte[];
}

const PANELS: Panel[] = [
  {
    code: "26604007",
    display: "Full blood count",
    category: "HAEMATOLOGY",
    analytes: [
      { code: "718-7", display: "Haemoglobin", unit: "g/L", low: 115, high: 165, criticalLow: 70, decimals: 0 },
      { code: "6690-2", display: "White cell count", unit: "10*9/L", low: 4.0, high: 11.0, criticalLow: 1.0, criticalHigh: 30, decimals: 1 },
      { code: "777-3", display: "Platelets", unit: "10*9/L", low: 150, high: 400, criticalLow: 20, criticalHigh: 1000, decimals: 0 },
      { code: "751-8", display: "Neutrophils", unit: "10*9/L", low: 2.0, high: 7.5, criticalLow: 0.5, decimals: 1 },
      { code: "787-2", display: "Mean cell volume", unit: "fL", low: 80, high: 100, decimals: 0 },
    ],
  },
  {
    code: "444164000",
    display: "Urea and electrolytes",
    category: "CLINICAL_CHEMISTRY",
    analytes: [
      { code: "2951-2", display: "Sodium", unit: "mmol/L", low: 133, high: 146, criticalLow: 120, criticalHigh: 160, decimals: 0 },
      { code: "2823-3", display: "Potassium", unit: "mmol/L", low: 3.5, high: 5.3, criticalLow: 2.5, criticalHigh: 6.5, decimals: 1 },
      { code: "22664-7", display: "Urea", unit: "mmol/L", low: 2.5, high: 7.8, decimals: 1 },
      { code: "14682-9", display: "Creatinine", unit: "umol/L", low: 45, high: 104, criticalHigh: 500, decimals: 0 },
      { code: "62238-1", display: "eGFR", unit: "mL/min/{1.73_m2}", low: 60, high: null, decimals: 0 },
    ],
  },
  {
    code: "997531000000108",
    display: "Liver function tests",
    category: "CLINICAL_CHEMISTRY",
    analytes: [
      { code: "1742-6", display: "Alanine aminotransferase", unit: "U/L", low: null, high: 40, decimals: 0 },
      { code: "6768-6", display: "Alkaline phosphatase", unit: "U/L", low: 30, high: 130, decimals: 0 },
      { code: "14631-6", display: "Bilirubin", unit: "umol/L", low: null, high: 21, decimals: 0 },
      { code: "1751-7", display: "Albumin", unit: "g/L", low: 35, high: 50, decimals: 0 },
    ],
  },
  {
    code: "1001371000000100",
    display: "C-reactive protein",
    category: "CLINICAL_CHEMISTRY",
    analytes: [{ code: "1988-5", display: "C-reactive protein", unit: "mg/L", low: null, high: 5, decimals: 0 }],
  },
  {
    code: "1003671000000109",
    display: "HbA1c",
    category: "CLINICAL_CHEMISTRY",
    analytes: [{ code: "59261-8", display: "HbA1c (IFCC)", unit: "mmol/mol", low: 20, high: 41, decimals: 0 }],
  },
  {
    code: "440685005",
    display: "INR",
    category: "HAEMATOLOGY",
    analytes: [{ code: "6301-6", display: "INR", unit: "{INR}", low: 0.8, high: 1.2, criticalHigh: 5, decimals: 1 }],
  },
];

const LABS = [
  { name: "Synnovis (Guy's and St Thomas')", ods: "RJ1" },
  { name: "HSL Pathology", ods: "RRV" },
  { name: "North West London Pathology", ods: "RYJ" },
];

function resultFor(a: Analyte, rng: Random): number {
  const low = a.low ?? (a.high ?? 10) * 0.2;
  const high = a.high ?? low * 1.8;
  const mid = (low + high) / 2;
  const roll = rng.next();
  let value: number;
  if (roll < 0.02 && (a.criticalLow !== undefined || a.criticalHigh !== undefined))
    value = a.criticalHigh !== undefined ? a.criticalHigh * rng.normal(1.1, 0.05) : a.criticalLow! * rng.normal(0.9, 0.05);
  else if (roll < 0.15) value = rng.chance(0.6) ? high * rng.normal(1.25, 0.08) : low * rng.normal(0.8, 0.06);
  else value = rng.normal(mid, (high - low) / 6);
  const factor = 10 ** a.decimals;
  return Math.max(0, Math.round(value * factor) / factor);
}

const STATUSES: DiagnosticReportStatus[] = [
  "FINAL",
  "FINAL",
  "FINAL",
  "FINAL",
  "FINAL",
  "FINAL",
  "FINAL",
  "FINAL",
  "PRELIMINARY",
  "AMENDED",
  "CORRECTED",
  "CANCELLED",
];

export function labsBatch(world: DemoWorld, people: DemoResident[]): LabsBatch {
  const batch: LabsBatch = { reports: [], observations: [] };
  for (const p of people) {
    const rng = rngFor("labs", p.index);
    const count = rng.int(3, 8);
    const lab = LABS[p.index % LABS.length]!;
    for (let n = 1; n <= count; n++) {
      const panel = PANELS[n === 1 ? 0 : rng.int(0, PANELS.length - 1)]!;
      const effectiveAt = rng.daysBefore(world.today, 1, 540);
      const issuedAt = new Date(effectiveAt.getTime() + rng.int(2, 30) * 3_600_000);
      const status = rng.pick(STATUSES);
      const id = seededRecordId("DR", p.nhsNumber, n);
      const provenance = {
        sourceSystem: SOURCE,
        recordedAt: issuedAt,
        updatedAt: status === "AMENDED" || status === "CORRECTED" ? addDays(issuedAt, 1) : issuedAt,
      };
      let abnormal = false;
      panel.analytes.forEach((a, i) => {
        const value = resultFor(a, rng);
        const interpretation = status === "CANCELLED" ? "NORMAL" : interpret(value, a);
        if (interpretation !== "NORMAL") abnormal = true;
        batch.observations.push({
          // Its own prefix: an observation's id no longer starts with its report's.
          id: seededRecordId("OB", p.nhsNumber, n, i + 1),
          reportId: id,
          position: i + 1,
          code: a.code,
          display: a.display,
          status: status === "CANCELLED" ? "CANCELLED" : status === "PRELIMINARY" ? "PRELIMINARY" : "FINAL",
          valueQuantity: status === "CANCELLED" ? null : value,
          unit: a.unit,
          valueString: status === "CANCELLED" ? "Specimen insufficient" : null,
          referenceLow: a.low,
          referenceHigh: a.high,
          referenceText: null,
          interpretation,
          ...provenance,
        });
      });
      batch.reports.push({
        id,
        nhsNumber: p.nhsNumber,
        status,
        category: panel.category,
        code: panel.code,
        display: panel.display,
        effectiveAt,
        issuedAt,
        performerName: lab.name,
        performerOds: lab.ods,
        requester: "GP practice",
        conclusion: abnormal ? "Results outside reference range: please review." : null,
        abnormal,
        ...provenance,
      });
    }
  }
  return batch;
}

export const createLabsSeeder = (db: Database, caches: CacheHub) => defineSeeder("labs", createLabsRepository(db, caches.cache("labs")), labsBatch);
