// Demo rows for the residents subgraph, derived deterministically from the shared demo world.
import { Faker, en, en_GB } from "@faker-js/faker";
import { LONDON_BOROUGHS, careHomeCount, careHomeId, gpPracticeCode, gpPracticeCount, type DemoResident, type DemoWorld } from "../../platform/demo/world.js";
import { addDays, rngFor } from "../../platform/demo/random.js";
import { seededRecordId } from "../../platform/ids/opaque-id.js";
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import { defineSeeder } from "../../platform/demo/seeder.js";
import { createResidentsRepository, type ResidentsBatch } from "./repository.js";
import type { OrganisationType } from "./prisma/generated/enums.js";
import { about } from "./manifest.js";
import { NO_KNOWN_ALLERGY } from "./allergy-codes.js";

const faker = new Faker({ locale: [en_GB, en] });
const SOURCE = about.sourceSystem;
const HOME_NAMES = ["House", "Lodge", "Court", "Manor", "Gardens", "Care Centre", "Nursing Home", "View"];

const ALLERGENS = [
  { code: "373270004", display: "Penicillin", category: "MEDICATION", reaction: "Urticaria" },
  { code: "387458008", display: "Aspirin", category: "MEDICATION", reaction: "Bronchospasm" },
  { code: "372687004", display: "Amoxicillin", category: "MEDICATION", reaction: "Rash" },
  { code: "387207008", display: "Ibuprofen", category: "MEDICATION", reaction: "Angioedema" },
  { code: "91935009", display: "Peanut", category: "FOOD", reaction: "Anaphylaxis" },
  { code: "102263004", display: "Egg", category: "FOOD", reaction: "Vomiting" },
  { code: "111088007", display: "Latex", category: "ENVIRONMENT", reaction: "Contact dermatitis" },
  { code: "256259004", display: "Pollen", category: "ENVIRONMENT", reaction: "Rhinitis" },
] as const;

const CONDITIONS = [
  { code: "52448006", display: "Dementia" },
  { code: "44054006", display: "Type 2 diabetes mellitus" },
  { code: "38341003", display: "Hypertension" },
  { code: "49436004", display: "Atrial fibrillation" },
  { code: "84114007", display: "Heart failure" },
  { code: "13645005", display: "Chronic obstructive pulmonary disease" },
  { code: "709044004", display: "Chronic kidney disease" },
  { code: "230690007", display: "Stroke" },
  { code: "64859006", display: "Osteoporosis" },
  { code: "49049000", display: "Parkinson's disease" },
  { code: "35489007", display: "Depressive disorder" },
  { code: "396275006", display: "Osteoarthritis" },
] as const;

/** Legally restricted history, seeded for a few residents so the access rules have data to withhold. */
const RESTRICTED = [
  { code: "8098009", display: "Sexually transmitted infectious disease", category: "SEXUALLY_TRANSMITTED_INFECTION" },
  { code: "57797005", display: "Termination of pregnancy", category: "TERMINATION_OF_PREGNANCY" },
  { code: "63650001", display: "Assisted fertilisation procedure", category: "ASSISTED_FERTILISATION" },
  { code: "407377005", display: "Gender reassignment", category: "GENDER_REASSIGNMENT" },
] as const;

/**
 * Organisations that are not care homes or GP practices, plus two care homes that fail the access
 * preconditions so the rules have something to refuse.
 */
export const DEMO_ORGANISATIONS = [
  { odsCode: "NHS111L", name: "London NHS 111", type: "NHS111" },
  { odsCode: "OOHL01", name: "London Out of Hours GP Service", type: "OUT_OF_HOURS" },
  { odsCode: "RRU", name: "London Ambulance Service NHS Trust", type: "AMBULANCE_SERVICE" },
  { odsCode: "RJ1", name: "St Thomas' Hospital Emergency Department", type: "EMERGENCY_DEPARTMENT" },
  { odsCode: "QKK", name: "NHS South East London ICB (analytics)", type: "INTEGRATED_CARE_BOARD" },
  { odsCode: "CRO01", name: "Care record operator (privacy and administration)", type: "RECORD_OPERATOR" },
] as const;
export const NON_COMPLIANT_HOMES = { dsptNotMet: "CH99901", noSharingAgreement: "CH99902" } as const;
/** A record operator and an ICB failing the preconditions, for the audit and usage queries' denials. */
export const NON_COMPLIANT_ORGANISATIONS = { operatorDsptNotMet: "CRO99", icbNoSharingAgreement: "QKK99" } as const;

export function residentsReferenceData(world: DemoWorld): Pick<ResidentsBatch, "careHomes" | "gpPractices" | "organisations"> {
  const careHomes = Array.from({ length: careHomeCount(world.residentCount) }, (_, n) => {
    faker.seed(100_000_000 + n);
    const rng = rngFor("care-home", n);
    return {
      id: careHomeId(n),
      name: `${faker.location.street()} ${rng.pick(HOME_NAMES)}`,
      borough: LONDON_BOROUGHS[n % LONDON_BOROUGHS.length]!,
      postcode: londonPostcode(rng.int(1, 20), n),
      bedCount: rng.int(42, 60),
    };
  });
  const gpPractices = Array.from({ length: gpPracticeCount(world.residentCount) }, (_, n) => {
    faker.seed(200_000_000 + n);
    return {
      odsCode: gpPracticeCode(n),
      name: `${faker.location.street()} Medical Practice`,
      borough: LONDON_BOROUGHS[n % LONDON_BOROUGHS.length]!,
      postcode: londonPostcode((n % 20) + 1, n),
    };
  });
  const assessed = addDays(world.today, -200);
  const organisation = (odsCode: string, name: string, type: OrganisationType, ok = { dspt: true, agreement: true }) => ({
    odsCode,
    name,
    type,
    dsptStandardMet: ok.dspt,
    dsptAssessedOn: assessed,
    sharingAgreementSignedOn: ok.agreement ? addDays(world.today, -400) : null,
    updatedAt: assessed,
  });
  const organisations = [
    ...careHomes.map((h) => organisation(h.id, h.name, "CARE_HOME")),
    ...gpPractices.map((p) => organisation(p.odsCode, p.name, "GP_PRACTICE")),
    ...DEMO_ORGANISATIONS.map((o) => organisation(o.odsCode, o.name, o.type)),
    organisation(NON_COMPLIANT_HOMES.dsptNotMet, "Unassessed Lodge", "CARE_HOME", { dspt: false, agreement: true }),
    organisation(NON_COMPLIANT_HOMES.noSharingAgreement, "Unsigned House", "CARE_HOME", { dspt: true, agreement: false }),
    organisation(NON_COMPLIANT_ORGANISATIONS.operatorDsptNotMet, "Unassessed record operator", "RECORD_OPERATOR", { dspt: false, agreement: true }),
    organisation(NON_COMPLIANT_ORGANISATIONS.icbNoSharingAgreement, "Unsigned ICB", "INTEGRATED_CARE_BOARD", { dspt: true, agreement: false }),
  ];
  return { careHomes, gpPractices, organisations };
}

function londonPostcode(district: number, n: number): string {
  const areas = ["N", "E", "SE", "SW", "W", "NW"];
  return `${areas[n % areas.length]}${district} ${(n % 9) + 1}${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + ((n * 7) % 26))}`;
}

export function residentsBatch(world: DemoWorld, people: DemoResident[]): ResidentsBatch {
  const batch = emptyBatch();
  for (const p of people) {
    const rng = rngFor("residents", p.index);
    faker.seed(p.index + 1);
    const sex = p.sex === "FEMALE" ? "female" : "male";
    const recordedAt = p.admittedToHomeOn;
    const updatedAt = addDays(world.today, -rng.int(0, 30));
    const provenance = { sourceSystem: SOURCE, recordedAt, updatedAt };
    batch.residents.push({
      nhsNumber: p.nhsNumber,
      givenName: faker.person.firstName(sex),
      familyName: faker.person.lastName(),
      dateOfBirth: p.dateOfBirth,
      sex: p.sex,
      gpPracticeCode: p.gpPracticeCode,
      sharingObjection: p.sharingObjection,
      objectionRecordedAt: p.sharingObjection ? addDays(world.today, -rng.int(10, 400)) : null,
      ...provenance,
    });
    if (p.previousCareHomeId) {
      batch.placements.push({
        id: seededRecordId("PL", p.nhsNumber, 1),
        nhsNumber: p.nhsNumber,
        careHomeId: p.previousCareHomeId,
        startDate: addDays(p.admittedToHomeOn, -rng.int(200, 900)),
        endDate: addDays(p.admittedToHomeOn, -1),
        status: "FINISHED",
        ...provenance,
      });
    }
    batch.placements.push({
      id: seededRecordId("PL", p.nhsNumber, 2),
      nhsNumber: p.nhsNumber,
      careHomeId: p.careHomeId,
      startDate: p.admittedToHomeOn,
      endDate: null,
      status: "ACTIVE",
      ...provenance,
    });
    const allergyCount = rng.chance(0.35) ? 0 : rng.int(1, 3);
    const allergens = new Set<number>();
    while (allergens.size < allergyCount) allergens.add(rng.int(0, ALLERGENS.length - 1));
    [...allergens].forEach((a, i) => {
      const allergen = ALLERGENS[a]!;
      const severe = allergen.reaction === "Anaphylaxis" || allergen.reaction === "Angioedema";
      batch.allergies.push({
        id: seededRecordId("AL", p.nhsNumber, i + 1),
        nhsNumber: p.nhsNumber,
        code: allergen.code,
        display: allergen.display,
        clinicalStatus: rng.chance(0.9) ? "ACTIVE" : "INACTIVE",
        verificationStatus: rng.chance(0.8) ? "CONFIRMED" : "UNCONFIRMED",
        category: allergen.category,
        criticality: severe ? "HIGH" : rng.chance(0.7) ? "LOW" : "UNABLE_TO_ASSESS",
        reactions: [{ manifestation: allergen.reaction, severity: severe ? "SEVERE" : rng.pick(["MILD", "MODERATE"] as const) }],
        ...provenance,
        recordedAt: addDays(p.admittedToHomeOn, -rng.int(30, 3_000)),
      });
    });
    // Half of those without allergies have the GP's coded "no known allergy" (SNOMED 716186003),
    // chosen by NHS number so the random draws (and every other demo row) stay as they were.
    if (allergyCount === 0 && Number(p.nhsNumber[8]) % 2 === 0)
      batch.allergies.push({
        id: seededRecordId("AL", p.nhsNumber, 1),
        nhsNumber: p.nhsNumber,
        code: NO_KNOWN_ALLERGY,
        display: "No known allergy",
        clinicalStatus: "ACTIVE",
        verificationStatus: "CONFIRMED",
        category: "MEDICATION",
        criticality: "LOW",
        reactions: [],
        ...provenance,
        recordedAt: addDays(p.admittedToHomeOn, -30),
      });
    const conditionCount = rng.int(2, 5);
    const picked = new Set<number>();
    while (picked.size < conditionCount) picked.add(rng.int(0, CONDITIONS.length - 1));
    [...picked].forEach((c, i) => {
      const condition = CONDITIONS[c]!;
      const onset = addDays(p.admittedToHomeOn, -rng.int(100, 6_000));
      const resolved = rng.chance(0.1);
      batch.conditions.push({
        id: seededRecordId("CO", p.nhsNumber, i + 1),
        nhsNumber: p.nhsNumber,
        code: condition.code,
        display: condition.display,
        clinicalStatus: resolved ? "RESOLVED" : "ACTIVE",
        category: resolved ? "SIGNIFICANT_HISTORY" : "PROBLEM_LIST_ITEM",
        onsetDate: onset,
        abatementDate: resolved ? addDays(onset, rng.int(30, 900)) : null,
        restrictedCategory: null,
        ...provenance,
        recordedAt: onset,
      });
    });
    if (p.index % 50 === 7) {
      const r = RESTRICTED[((p.index / 50) % RESTRICTED.length) | 0]!;
      const onset = addDays(world.today, -rng.int(8_000, 20_000));
      batch.conditions.push({
        id: seededRecordId("CO", p.nhsNumber, "R"),
        nhsNumber: p.nhsNumber,
        code: r.code,
        display: r.display,
        clinicalStatus: "RESOLVED",
        category: "SIGNIFICANT_HISTORY",
        onsetDate: onset,
        abatementDate: addDays(onset, 60),
        restrictedCategory: r.category,
        ...provenance,
        recordedAt: onset,
      });
    }
  }
  return batch;
}

const emptyBatch = (): ResidentsBatch => ({ careHomes: [], gpPractices: [], organisations: [], residents: [], placements: [], allergies: [], conditions: [] });

export const createResidentsSeeder = (db: Database, caches: CacheHub) =>
  defineSeeder("residents", createResidentsRepository(db, caches.cache("residents")), residentsBatch, (world) => ({
    ...emptyBatch(),
    ...residentsReferenceData(world),
  }));
