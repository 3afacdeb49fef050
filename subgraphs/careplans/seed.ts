// Demo care plans covering every lifecycle state within every ten residents: none, draft,
// submitted, approved (some with the review due), superseded by a newer approved version, and
// approved with a newer version in progress.
import { Faker, en, en_GB } from "@faker-js/faker";
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import { defineSeeder } from "../../platform/demo/seeder.js";
import { type DemoResident, type DemoWorld } from "../../platform/demo/world.js";
import { addDays, rngFor, type Random } from "../../platform/demo/random.js";
import { seededRecordId } from "../../platform/ids/opaque-id.js";
import { createCareplansRepository, type CareplansBatch } from "./repository.js";
import type { CarePlanStatus } from "./prisma/generated/enums.js";
import { about } from "./manifest.js";

const SOURCE = about.sourceSystem;

const faker = new Faker({ locale: [en_GB, en] });
type Status = CarePlanStatus;

/** Versions, oldest first, by the resident's position in each block of ten. */
const LIFECYCLES: Status[][] = [
  [],
  ["DRAFT"],
  ["SUBMITTED"],
  ["APPROVED"],
  ["SUPERSEDED", "APPROVED"],
  ["SUPERSEDED", "APPROVED"],
  ["SUPERSEDED", "APPROVED"],
  ["APPROVED"],
  ["SUPERSEDED", "APPROVED", "SUBMITTED"],
  ["APPROVED", "DRAFT"],
];

const MATTERS = [
  "Being able to sit in the garden every morning and keep in touch with my daughter.",
  "Staying here with the staff I know if I become unwell, rather than going into hospital.",
  "Having my hearing aids in and my glasses clean so I can follow what is happening.",
  "Going to church on Sundays and having my rosary with me.",
  "Eating meals with others in the dining room and listening to music from the 1950s.",
];
const CONCERNS = ["Falls at night", "Losing weight", "Getting confused in unfamiliar places", "Pain in my knees", "Being alone"];
const GOALS = ["Walk to the lounge with my frame every day", "Maintain my weight", "Sleep through the night", "Visit family at Christmas"];
const EMERGENCY = [
  "If unwell, call the GP or 111 first. Avoid hospital admission unless a treatable cause such as a fracture is suspected.",
  "Treat infections in the home where possible with oral antibiotics. Admit to hospital if not improving after 48 hours.",
  "Focus on comfort. Contact the community palliative care team; anticipatory medicines are in the home.",
];

function planContent(p: DemoResident, rng: Random) {
  faker.seed(p.index + 7);
  const dnacpr = rng.chance(0.4);
  return {
    whatMattersToMe: rng.pick(MATTERS),
    concerns: [rng.pick(CONCERNS), rng.pick(CONCERNS)].filter((v, i, a) => a.indexOf(v) === i),
    goals: [rng.pick(GOALS)],
    actions: [{ description: "Review mobility and falls risk", owner: "Care home nurse", dueDate: null }],
    supportOrganisations: [{ name: "Age UK London", contact: "0800 678 1602" }],
    diagnoses: [{ code: "52448006", display: "Dementia" }],
    keyMedications: ["See current medicines list"],
    wishesAndPreferences: `Wants to stay at the care home if unwell, close to ${faker.person.firstName()}, their ${rng.pick(["daughter", "son", "niece", "husband", "wife"])}.`,
    preferredPlaceOfCare: rng.pick(["CARE_HOME", "CARE_HOME", "HOSPITAL", "HOSPICE"] as const),
    preferredPlaceOfDeath: rng.pick(["CARE_HOME", "CARE_HOME", "HOSPICE", "NOT_STATED"] as const),
    emergencyPlan: rng.pick(EMERGENCY),
    cprDecision: dnacpr ? ("DNACPR" as const) : ("FOR_CPR" as const),
    ceilingOfTreatment: dnacpr ? rng.pick(["WARD_BASED_CARE", "COMFORT_CARE_ONLY"] as const) : ("FULL_ESCALATION" as const),
    ceilingNotes: dnacpr ? "Discussed with resident and family; they agree." : null,
  };
}

export function careplansBatch(world: DemoWorld, people: DemoResident[]): CareplansBatch {
  const batch: CareplansBatch = { plans: [] };
  for (const p of people) {
    const rng = rngFor("careplans", p.index);
    const versions = LIFECYCLES[p.index % LIFECYCLES.length]!;
    let created = addDays(world.today, -rng.int(400, 900));
    versions.forEach((status, i) => {
      const version = i + 1;
      const isLast = i === versions.length - 1;
      const content = planContent(p, rng);
      const submittedAt = status === "DRAFT" ? null : addDays(created, rng.int(1, 10));
      const approvedAt = status === "APPROVED" || status === "SUPERSEDED" ? addDays(submittedAt!, rng.int(2, 20)) : null;
      // Position 3 in each block has its review overdue; other approved plans are due in the future.
      const reviewDate = approvedAt ? (p.index % 10 === 3 ? addDays(world.today, -rng.int(5, 60)) : addDays(world.today, rng.int(30, 300))) : null;
      const nextCreated = isLast ? null : addDays(approvedAt ?? created, rng.int(120, 300));
      const clinical = approvedAt !== null || (status === "SUBMITTED" && rng.chance(0.5));
      batch.plans.push({
        id: seededRecordId("CP", p.nhsNumber, version),
        nhsNumber: p.nhsNumber,
        version,
        status,
        createdByName: "Registered manager",
        createdByOds: p.careHomeId,
        submittedAt,
        clinicalDetailBy: clinical ? "Dr " + ["Patel", "Okafor", "Smith", "Nguyen"][p.index % 4] : null,
        clinicalDetailOds: clinical ? p.gpPracticeCode : null,
        clinicalDetailAt: clinical ? addDays(submittedAt!, 1) : null,
        approvedAt,
        approvedBy: approvedAt ? "Dr " + ["Patel", "Okafor", "Smith", "Nguyen"][p.index % 4] : null,
        reviewDate,
        supersededAt: status === "SUPERSEDED" ? nextCreated : null,
        ...content,
        cprDecidedOn: approvedAt && content.cprDecision === "DNACPR" ? approvedAt : null,
        cprReviewOn: approvedAt && content.cprDecision === "DNACPR" ? reviewDate : null,
        cprDecidedBy: approvedAt && content.cprDecision === "DNACPR" ? "Dr " + ["Patel", "Okafor", "Smith", "Nguyen"][p.index % 4] : null,
        sourceSystem: SOURCE,
        recordedAt: created,
        updatedAt: approvedAt ?? submittedAt ?? created,
      });
      if (nextCreated) created = nextCreated;
    });
  }
  return batch;
}

export const createCareplansSeeder = (db: Database, caches: CacheHub) =>
  defineSeeder("careplans", createCareplansRepository(db, caches.cache("careplans")), careplansBatch);
