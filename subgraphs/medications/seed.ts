// Demo prescribing typical of care home residents, with the latest EPS prescription of each
// request spread across every EPS business status (each appears within every 100 residents) and
// dispense events consistent with that status.
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import { defineSeeder } from "../../platform/demo/seeder.js";
import { type DemoResident, type DemoWorld } from "../../platform/demo/world.js";
import { addDays, rngFor } from "../../platform/demo/random.js";
import { seededRecordId } from "../../platform/ids/opaque-id.js";
import { createMedicationsRepository, type MedicationsBatch } from "./repository.js";
import type { EpsPrescriptionStatus, MedicationRequestStatus } from "./prisma/generated/enums.js";
import { about } from "./manifest.js";

const SOURCE = about.sourceSystem;

const MEDICINES = [
  { code: "319283006", name: "Amlodipine 5mg tablets", dose: "One tablet once a day", qty: 28, unit: "tablet" },
  { code: "318906001", name: "Ramipril 2.5mg capsules", dose: "One capsule once a day", qty: 28, unit: "capsule" },
  { code: "320000009", name: "Atorvastatin 20mg tablets", dose: "One tablet at night", qty: 28, unit: "tablet" },
  { code: "325278007", name: "Metformin 500mg tablets", dose: "One tablet twice a day with food", qty: 56, unit: "tablet" },
  { code: "703907002", name: "Apixaban 2.5mg tablets", dose: "One tablet twice a day", qty: 56, unit: "tablet" },
  { code: "318419004", name: "Bisoprolol 2.5mg tablets", dose: "One tablet in the morning", qty: 28, unit: "tablet" },
  { code: "317971007", name: "Furosemide 40mg tablets", dose: "One tablet in the morning", qty: 28, unit: "tablet" },
  { code: "376988009", name: "Levothyroxine 50microgram tablets", dose: "One tablet before breakfast", qty: 28, unit: "tablet" },
  { code: "408064009", name: "Donepezil 5mg tablets", dose: "One tablet at night", qty: 28, unit: "tablet" },
  { code: "322236009", name: "Paracetamol 500mg tablets", dose: "Two tablets up to four times a day when required", qty: 100, unit: "tablet" },
  { code: "317310003", name: "Lansoprazole 15mg capsules", dose: "One capsule once a day", qty: 28, unit: "capsule" },
  { code: "321944003", name: "Sertraline 50mg tablets", dose: "One tablet once a day", qty: 28, unit: "tablet" },
  { code: "325154000", name: "Alendronic acid 70mg tablets", dose: "One tablet once a week, before breakfast, upright", qty: 4, unit: "tablet" },
  { code: "317394008", name: "Senna 7.5mg tablets", dose: "Two tablets at night", qty: 60, unit: "tablet" },
  { code: "3638611000001103", name: "Laxido oral powder sachets", dose: "One sachet daily in water", qty: 30, unit: "sachet" },
];
const ACUTE = [
  { code: "323509004", name: "Amoxicillin 500mg capsules", dose: "One capsule three times a day for 5 days", qty: 15, unit: "capsule" },
  { code: "324430000", name: "Nitrofurantoin 100mg modified-release capsules", dose: "One capsule twice a day for 3 days", qty: 6, unit: "capsule" },
  { code: "39695211000001102", name: "Prednisolone 5mg tablets", dose: "Six tablets once a day for 5 days", qty: 30, unit: "tablet" },
];
const PHARMACIES = [
  { name: "Boots Pharmacy, Brixton", ods: "FA123" },
  { name: "Well Pharmacy, Islington", ods: "FB456" },
  { name: "Rowlands Pharmacy, Croydon", ods: "FC789" },
  { name: "Lloydspharmacy, Ealing", ods: "FD012" },
];
const EPS: EpsPrescriptionStatus[] = [
  "TO_BE_DISPENSED",
  "WITH_DISPENSER",
  "WITH_DISPENSER_ACTIVE",
  "DISPENSED",
  "NOT_DISPENSED",
  "CLAIMED",
  "CANCELLED",
  "EXPIRED",
];

function prescriptionCode(n: number): string {
  const hex = ((n * 2654435761) >>> 0).toString(16).toUpperCase().padStart(8, "0");
  return `${hex.slice(0, 6)}-A83008-${String(n % 100000).padStart(5, "0")}X`;
}

export function medicationsBatch(world: DemoWorld, people: DemoResident[]): MedicationsBatch {
  const batch: MedicationsBatch = { requests: [], prescriptions: [], dispenses: [] };
  for (const p of people) {
    const rng = rngFor("medications", p.index);
    const count = rng.int(4, 8);
    const picked = new Set<number>();
    while (picked.size < count) picked.add(rng.int(0, MEDICINES.length - 1));
    const items: { med: (typeof MEDICINES)[number]; course: "REPEAT" | "ACUTE" }[] = [...picked].map((i) => ({ med: MEDICINES[i]!, course: "REPEAT" }));
    if (rng.chance(0.4)) items.push({ med: ACUTE[rng.int(0, ACUTE.length - 1)]!, course: "ACUTE" });
    items.forEach(({ med, course }, n) => {
      const id = seededRecordId("MR", p.nhsNumber, n + 1);
      const authoredOn = rng.daysBefore(world.today, course === "REPEAT" ? 60 : 2, course === "REPEAT" ? 900 : 40);
      let status: MedicationRequestStatus = "ACTIVE";
      if (course === "ACUTE") status = rng.chance(0.5) ? "COMPLETED" : "ACTIVE";
      else if (rng.chance(0.06)) status = "STOPPED";
      else if (rng.chance(0.04)) status = "ON_HOLD";
      const provenance = { sourceSystem: SOURCE, recordedAt: authoredOn, updatedAt: addDays(world.today, -rng.int(0, 20)) };
      batch.requests.push({
        id,
        nhsNumber: p.nhsNumber,
        medicationCode: med.code,
        medicationName: med.name,
        status,
        course,
        dosageText: med.dose,
        quantityValue: med.qty,
        quantityUnit: med.unit,
        authoredOn,
        prescriberName: "Dr " + ["Patel", "Okafor", "Smith", "Nguyen"][p.index % 4],
        prescriberOds: p.gpPracticeCode,
        ...provenance,
      });
      // Every EPS status within each block of residents: cycle by resident and item.
      const epsStatus = EPS[(p.index + n) % EPS.length]!;
      const pharmacy = PHARMACIES[p.index % PHARMACIES.length]!;
      const issues = course === "REPEAT" ? rng.int(1, 3) : 1;
      for (let k = issues; k >= 1; k--) {
        const latest = k === 1;
        const issuedAt = addDays(world.today, -(k - 1) * 28 - rng.int(1, 20));
        const status = latest ? epsStatus : "CLAIMED";
        const prescriptionId = seededRecordId("EP", p.nhsNumber, n + 1, k);
        const changedAt = new Date(issuedAt.getTime() + rng.int(1, 72) * 3_600_000);
        batch.prescriptions.push({
          id: prescriptionId,
          requestId: id,
          prescriptionId: prescriptionCode(p.index * 100 + n * 10 + k),
          status,
          issuedAt,
          lastStatusChangeAt: status === "TO_BE_DISPENSED" ? issuedAt : changedAt,
          pharmacyName: pharmacy.name,
          pharmacyOds: pharmacy.ods,
          sourceSystem: SOURCE,
          recordedAt: issuedAt,
          updatedAt: changedAt,
        });
        if (status === "DISPENSED" || status === "CLAIMED" || status === "WITH_DISPENSER_ACTIVE") {
          const partial = status === "WITH_DISPENSER_ACTIVE";
          batch.dispenses.push({
            id: seededRecordId("MD", p.nhsNumber, n + 1, k),
            prescriptionId,
            requestId: id,
            status: partial ? "PARTIAL" : "COMPLETED",
            pharmacyName: pharmacy.name,
            pharmacyOds: pharmacy.ods,
            handedOverAt: changedAt,
            quantityValue: partial ? Math.ceil(med.qty / 2) : med.qty,
            quantityUnit: med.unit,
            sourceSystem: SOURCE,
            recordedAt: changedAt,
            updatedAt: changedAt,
          });
        }
      }
    });
  }
  return batch;
}

export const createMedicationsSeeder = (db: Database, caches: CacheHub) =>
  defineSeeder("medications", createMedicationsRepository(db, caches.cache("medications")), medicationsBatch);
