// Demo hospital activity: 0-3 finished stays each with a PRSB discharge summary, an admission in
// progress for residents who are inpatients today, and some ED / ambulance contacts.
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import { defineSeeder } from "../../platform/demo/seeder.js";
import { type DemoResident, type DemoWorld } from "../../platform/demo/world.js";
import { addDays, rngFor } from "../../platform/demo/random.js";
import { seededRecordId } from "../../platform/ids/opaque-id.js";
import { createDischargeRepository, type DischargeBatch } from "./repository.js";
import { about } from "./manifest.js";

const SOURCE = about.sourceSystem;

const HOSPITALS = [
  { name: "St Thomas' Hospital", ods: "RJ1" },
  { name: "King's College Hospital", ods: "RJZ" },
  { name: "Royal Free Hospital", ods: "RAL" },
  { name: "Northwick Park Hospital", ods: "R1K" },
  { name: "Croydon University Hospital", ods: "RJ6" },
  { name: "Homerton University Hospital", ods: "RQX" },
];
const WARDS = ["Acute Medical Unit", "Elderly Care Ward 7", "Trauma and Orthopaedics", "Respiratory Ward", "Frailty Unit"];

const EPISODES = [
  {
    reason: "Shortness of breath and fever",
    diagnosis: { code: "385093006", display: "Community-acquired pneumonia" },
    summary: "Treated with IV then oral antibiotics; oxygen weaned on day 3. Mobilising with frame at baseline.",
    change: { medication: "Amoxicillin 500mg capsules", change: "STARTED", reason: "Complete 5-day course" },
    action: { action: "Repeat chest X-ray in 6 weeks", forWhom: "GP" },
  },
  {
    reason: "Confusion and reduced oral intake",
    diagnosis: { code: "68566005", display: "Urinary tract infection" },
    summary: "Delirium secondary to UTI, resolved with nitrofurantoin. Encourage fluids of 1.5 litres a day.",
    change: { medication: "Nitrofurantoin 100mg capsules", change: "STARTED", reason: "3-day course" },
    action: { action: "Monitor fluid intake chart for 7 days", forWhom: "CARE_HOME" },
  },
  {
    reason: "Fall with hip pain",
    diagnosis: { code: "5913000", display: "Fracture of neck of femur" },
    summary: "Hemiarthroplasty performed day 1. Full weight bearing. Physiotherapy plan attached.",
    change: { medication: "Alendronic acid 70mg tablets", change: "STARTED", reason: "Secondary fracture prevention" },
    action: { action: "Wound check and clip removal on day 14", forWhom: "COMMUNITY_NURSE" },
    procedure: { code: "179326000", display: "Hemiarthroplasty of hip" },
  },
  {
    reason: "Reduced urine output",
    diagnosis: { code: "14669001", display: "Acute kidney injury" },
    summary: "AKI stage 2 on a background of CKD, improved with IV fluids. Ramipril withheld.",
    change: { medication: "Ramipril 2.5mg capsules", change: "STOPPED", reason: "Acute kidney injury; GP to review" },
    action: { action: "Repeat U&E within 1 week and consider restarting ramipril", forWhom: "GP" },
  },
  {
    reason: "Worsening breathlessness",
    diagnosis: { code: "195951007", display: "Acute exacerbation of COPD" },
    summary: "Nebulisers and oral prednisolone. Back to baseline oxygen saturations of 90-92%.",
    change: { medication: "Prednisolone 5mg tablets", change: "STARTED", reason: "Reducing course over 5 days" },
    action: { action: "Pulmonary rehabilitation referral", forWhom: "GP" },
  },
  {
    reason: "Acute confusion",
    diagnosis: { code: "2776000", display: "Delirium" },
    summary: "Multifactorial delirium, improving. Avoid sedating medication.",
    change: { medication: "Zopiclone 3.75mg tablets", change: "STOPPED", reason: "Contributed to delirium" },
    action: { action: "Memory clinic follow-up in 3 months", forWhom: "HOSPITAL_CLINIC" },
  },
] as const;

const COMPLAINTS = ["Fall", "Chest pain", "Shortness of breath", "Reduced consciousness", "Head injury after fall"];

export function dischargeBatch(world: DemoWorld, people: DemoResident[]): DischargeBatch {
  const batch: DischargeBatch = { stays: [], summaries: [], emergencyCare: [] };
  for (const p of people) {
    const rng = rngFor("discharge", p.index);
    const stays = rng.int(0, 3);
    for (let n = 1; n <= stays; n++) {
      const hospital = rng.pick(HOSPITALS);
      const episode = rng.pick(EPISODES);
      const admittedAt = rng.daysBefore(world.today, 15 + (stays - n) * 120, 120 + (stays - n) * 120);
      const dischargedAt = new Date(admittedAt.getTime() + rng.int(2, 14) * 86_400_000 + rng.int(0, 10) * 3_600_000);
      const stayId = seededRecordId("HS", p.nhsNumber, n);
      const provenance = { sourceSystem: SOURCE, recordedAt: dischargedAt, updatedAt: dischargedAt };
      batch.stays.push({
        id: stayId,
        nhsNumber: p.nhsNumber,
        hospitalName: hospital.name,
        hospitalOds: hospital.ods,
        ward: rng.pick(WARDS),
        status: "FINISHED",
        admittedAt,
        dischargedAt,
        reason: episode.reason,
        ...provenance,
      });
      batch.summaries.push({
        id: seededRecordId("DS", p.nhsNumber, n),
        nhsNumber: p.nhsNumber,
        stayId,
        hospitalName: hospital.name,
        hospitalOds: hospital.ods,
        authorName: "Dr A. Registrar",
        authorRole: "Specialty registrar, elderly care",
        completedByName: "Dr B. Foundation",
        completedByRole: "Foundation doctor",
        completedByCode: `GMC${7000000 + p.index}`,
        admittedAt,
        admissionMethod: rng.chance(0.9) ? "EMERGENCY" : "ELECTIVE",
        admissionReason: episode.reason,
        dischargedAt,
        destination: "CARE_HOME",
        diagnoses: [{ ...episode.diagnosis, primary: true }],
        clinicalSummary: episode.summary,
        procedures: "procedure" in episode ? [{ ...episode.procedure, performedOn: addDays(admittedAt, 1).toISOString().slice(0, 10) }] : [],
        medicationChanges: [episode.change],
        allergiesText: "As per GP record; no new allergies identified during admission.",
        plannedActions: [{ ...episode.action, byDate: addDays(dischargedAt, 14).toISOString().slice(0, 10) }],
        informationGiven: "Discussed with resident and next of kin; copy sent to care home and GP.",
        ...provenance,
      });
    }
    if (p.inHospital) {
      const hospital = rng.pick(HOSPITALS);
      const admittedAt = rng.daysBefore(world.today, 1, 10);
      batch.stays.push({
        id: seededRecordId("HS", p.nhsNumber, stays + 1),
        nhsNumber: p.nhsNumber,
        hospitalName: hospital.name,
        hospitalOds: hospital.ods,
        ward: rng.pick(WARDS),
        status: "IN_PROGRESS",
        admittedAt,
        dischargedAt: null,
        reason: rng.pick(EPISODES).reason,
        sourceSystem: SOURCE,
        recordedAt: admittedAt,
        updatedAt: admittedAt,
      });
    }
    const contacts = rng.int(0, 2);
    for (let n = 1; n <= contacts; n++) {
      const occurredAt = rng.daysBefore(world.today, 3, 400);
      const kind = rng.pick(["ED_ATTENDANCE", "AMBULANCE_CONVEYANCE", "AMBULANCE_SEE_AND_TREAT"] as const);
      const provider = kind === "ED_ATTENDANCE" ? rng.pick(HOSPITALS) : { name: "London Ambulance Service", ods: "RRU" };
      batch.emergencyCare.push({
        id: seededRecordId("EC", p.nhsNumber, n),
        nhsNumber: p.nhsNumber,
        kind,
        occurredAt,
        providerName: provider.name,
        providerOds: provider.ods,
        presentingComplaint: rng.pick(COMPLAINTS),
        outcome: kind === "AMBULANCE_SEE_AND_TREAT" ? "Assessed and treated at the care home; GP informed." : "Assessed; discharged back to care home.",
        sourceSystem: SOURCE,
        recordedAt: occurredAt,
        updatedAt: occurredAt,
      });
    }
  }
  return batch;
}

export const createDischargeSeeder = (db: Database, caches: CacheHub) =>
  defineSeeder("discharge", createDischargeRepository(db, caches.cache("discharge")), dischargeBatch);
