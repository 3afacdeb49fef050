// The synthetic London that all subgraph seeders share: care homes across the boroughs, GP
// practices, and who each demo resident is. Subgraph seeders derive their rows from a
// DemoResident, so the sections of one resident's record tell a consistent story.
import { testNhsNumber } from "../graphql/nhs-number.js";
import { addDays, rngFor, startOfDay } from "./random.js";

export const LONDON_BOROUGHS = [
  "Barking and Dagenham",
  "Barnet",
  "Bexley",
  "Brent",
  "Bromley",
  "Camden",
  "City of London",
  "Croydon",
  "Ealing",
  "Enfield",
  "Greenwich",
  "Hackney",
  "Hammersmith and Fulham",
  "Haringey",
  "Harrow",
  "Havering",
  "Hillingdon",
  "Hounslow",
  "Islington",
  "Kensington and Chelsea",
  "Kingston upon Thames",
  "Lambeth",
  "Lewisham",
  "Merton",
  "Newham",
  "Redbridge",
  "Richmond upon Thames",
  "Southwark",
  "Sutton",
  "Tower Hamlets",
  "Waltham Forest",
  "Wandsworth",
  "Westminster",
] as const;

export const RESIDENTS_PER_HOME = 40;
export const RESIDENTS_PER_PRACTICE = 400;

export const careHomeCount = (residents: number) => Math.max(1, Math.ceil(residents / RESIDENTS_PER_HOME));
// At least two practices, so even a small demo has patients who are not a given GP's.
export const gpPracticeCount = (residents: number) => Math.max(2, Math.ceil(residents / RESIDENTS_PER_PRACTICE));
export const careHomeId = (n: number) => `CH${String(n + 1).padStart(5, "0")}`;
export const gpPracticeCode = (n: number) => `G${String(n + 1).padStart(5, "0")}`;

export interface DemoResident {
  index: number;
  nhsNumber: string;
  sex: "FEMALE" | "MALE";
  dateOfBirth: Date;
  careHomeId: string;
  /** The home the resident lived in before, if they moved (their placement there has ended). */
  previousCareHomeId: string | null;
  admittedToHomeOn: Date;
  gpPracticeCode: string;
  /** Currently an inpatient (a hospital stay in progress). */
  inHospital: boolean;
  /** Has objected to their record being shared. */
  sharingObjection: boolean;
}

export interface DemoWorld {
  residentCount: number;
  /** Reference "today" for the whole seed run (start of day, UTC), so reruns on one day agree. */
  today: Date;
}

export function demoResident(world: DemoWorld, index: number): DemoResident {
  const rng = rngFor("resident", index);
  const homes = careHomeCount(world.residentCount);
  const home = index % homes;
  const moved = homes > 1 && rng.chance(0.06);
  const ageYears = rng.int(65, 102);
  return {
    index,
    nhsNumber: testNhsNumber(index),
    sex: rng.chance(0.64) ? "FEMALE" : "MALE",
    dateOfBirth: startOfDay(addDays(world.today, -Math.round(ageYears * 365.25 + rng.int(0, 364)))),
    careHomeId: careHomeId(home),
    previousCareHomeId: moved ? careHomeId((home + 1) % homes) : null,
    admittedToHomeOn: startOfDay(addDays(world.today, -rng.int(20, 2_400))),
    gpPracticeCode: gpPracticeCode(index % gpPracticeCount(world.residentCount)),
    inHospital: rng.chance(0.04),
    sharingObjection: rng.chance(0.01),
  };
}
