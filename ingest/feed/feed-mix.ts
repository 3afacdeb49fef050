// A synthetic FHIR feed for the demo world: what `npm run feed` sends while `npm start` runs, what
// the ingestion benchmark (bench/ingestion.ts) sends at full speed, and what the tests drive for a
// few bundles. Pure: the randomness is a seeded Random and the clock is passed in, so a seed gives
// the same feed.
//
// The feed is a list of generators, one per kind of traffic, each with its source system and a
// weight. Laboratories are most of real traffic and the only mapping on main today; dispensing
// (pharmacy-boots: MedicationDispense), discharges (hospital-guys: Encounter + Composition) and
// placements (carehome-system: EpisodeOfCare) join by adding their generator to FEED_GENERATORS
// once their subgraph owns the type (a FeedGenerator of the same shape as labReports below).
import type { BundleEntry } from "@medplum/fhirtypes";
import { Random } from "../../platform/demo/random.js";
import { labReportEntries, type BundlePatient, type LabResult, type LabReportSpec } from "./lab-bundle.js";

/** One Bundle the feed sends: from which source system, the entries, and a line about it without clinical content. */
export interface FeedItem {
  kind: string;
  /** The source system (ingest/dev-sources.json) that sends it. */
  clientId: string;
  entries: BundleEntry[];
  /** One line for the operator: kind, panel, counts, status; no values, no names. */
  summary: string;
  /** Resources other than the sender's Patient (what the subgraphs apply). */
  clinicalResources: number;
  /** The business identifier of the report (or other resource) it carries, for checks. */
  key: string;
}

export interface FeedContext {
  rng: Random;
  now: Date;
  patients: readonly BundlePatient[];
  /** Unique across runs: prefixes every identifier this feed makes (several feeds may write one database). */
  runId: string;
  /** How many items this feed has made so far. */
  seq: number;
}

export interface FeedGenerator {
  kind: string;
  clientId: string;
  /** Resource types its source client asks scopes for. */
  types: readonly string[];
  /** Share of the traffic, relative to the other generators' weights. */
  weight: number;
  next(ctx: FeedContext): FeedItem;
}

// ---------------------------------------------------------------------------------------------
// Laboratory reports
// ---------------------------------------------------------------------------------------------

interface Analyte {
  loinc: string;
  display: string;
  unit: string;
  low: number;
  high: number;
  /** Decimal places the laboratory reports. */
  dp: number;
  /** Beyond these the laboratory phones the result through (HH / LL). */
  criticalLow?: number;
  criticalHigh?: number;
}

export interface LabPanel {
  name: string;
  /** v2-0074 section. */
  category: "CH" | "HM";
  code: { system: string; code: string; display: string };
  analytes: readonly Analyte[];
  /** Share of requests from care homes' GPs (relative). */
  weight: number;
}

const SNOMED = "http://snomed.info/sct";
const a = (loinc: string, display: string, unit: string, low: number, high: number, dp: number, critical: [number?, number?] = []): Analyte => ({
  loinc,
  display,
  unit,
  low,
  high,
  dp,
  ...(critical[0] !== undefined ? { criticalLow: critical[0] } : {}),
  ...(critical[1] !== undefined ? { criticalHigh: critical[1] } : {}),
});

/** The panels a care home's GP asks for most, with adult reference ranges as UK laboratories print them. */
export const LAB_PANELS: readonly LabPanel[] = [
  {
    name: "U&E",
    category: "CH",
    code: { system: SNOMED, code: "444164000", display: "Urea, electrolytes and creatinine" },
    weight: 30,
    analytes: [
      a("2951-2", "Sodium", "mmol/L", 133, 146, 0, [120, 160]),
      a("2823-3", "Potassium", "mmol/L", 3.5, 5.3, 1, [2.5, 6.5]),
      a("22664-7", "Urea", "mmol/L", 2.5, 7.8, 1),
      a("14682-9", "Creatinine", "umol/L", 45, 110, 0),
      a("62238-1", "eGFR", "mL/min/{1.73_m2}", 60, 120, 0),
    ],
  },
  {
    name: "FBC",
    category: "HM",
    code: { system: SNOMED, code: "26604007", display: "Full blood count" },
    weight: 25,
    analytes: [
      a("718-7", "Haemoglobin", "g/L", 115, 165, 0, [70, 200]),
      a("6690-2", "White cell count", "10*9/L", 4, 11, 1, [1, 30]),
      a("777-3", "Platelets", "10*9/L", 150, 400, 0, [40, 1000]),
      a("789-8", "Red cell count", "10*12/L", 3.8, 5.8, 2),
      a("4544-3", "Haematocrit", "L/L", 0.37, 0.47, 2),
      a("787-2", "MCV", "fL", 80, 100, 0),
      a("785-6", "MCH", "pg", 27, 32, 1),
      a("751-8", "Neutrophils", "10*9/L", 2, 7.5, 1, [0.5]),
      a("731-0", "Lymphocytes", "10*9/L", 1, 4, 1),
      a("742-7", "Monocytes", "10*9/L", 0.2, 1, 1),
      a("711-2", "Eosinophils", "10*9/L", 0, 0.4, 2),
      a("704-7", "Basophils", "10*9/L", 0, 0.1, 2),
    ],
  },
  {
    name: "LFT",
    category: "CH",
    code: { system: SNOMED, code: "26958001", display: "Liver function tests" },
    weight: 12,
    analytes: [
      a("1742-6", "ALT", "U/L", 0, 41, 0),
      a("6768-6", "Alkaline phosphatase", "U/L", 30, 130, 0),
      a("1975-2", "Bilirubin", "umol/L", 0, 21, 0),
      a("1751-7", "Albumin", "g/L", 35, 50, 0),
      a("2324-2", "Gamma GT", "U/L", 0, 60, 0),
      a("2885-2", "Total protein", "g/L", 60, 80, 0),
    ],
  },
  {
    name: "CRP",
    category: "CH",
    code: { system: SNOMED, code: "55235003", display: "C-reactive protein" },
    weight: 12,
    analytes: [a("1988-5", "C-reactive protein", "mg/L", 0, 5, 0)],
  },
  {
    name: "HbA1c",
    category: "CH",
    code: { system: SNOMED, code: "43396009", display: "Haemoglobin A1c" },
    weight: 6,
    analytes: [a("59261-8", "HbA1c (IFCC)", "mmol/mol", 20, 42, 0)],
  },
  {
    name: "TFT",
    category: "CH",
    code: { system: SNOMED, code: "35650009", display: "Thyroid function tests" },
    weight: 6,
    analytes: [a("3016-3", "TSH", "mU/L", 0.27, 4.2, 2), a("3024-7", "Free T4", "pmol/L", 12, 22, 1)],
  },
  {
    name: "Bone profile",
    category: "CH",
    code: { system: SNOMED, code: "166919006", display: "Bone profile" },
    weight: 4,
    analytes: [
      a("17861-6", "Calcium", "mmol/L", 2.2, 2.6, 2, [1.8, 3.0]),
      a("14879-1", "Phosphate", "mmol/L", 0.8, 1.5, 2),
      a("6768-6", "Alkaline phosphatase", "U/L", 30, 130, 0),
      a("1751-7", "Albumin", "g/L", 35, 50, 0),
    ],
  },
  {
    name: "INR",
    category: "HM",
    code: { system: SNOMED, code: "440685005", display: "International normalised ratio" },
    weight: 5,
    analytes: [a("6301-6", "INR", "{INR}", 0.8, 1.2, 1, [undefined, 5])],
  },
];

export interface LabFeedSettings {
  /** Chance that one analyte is outside its range (about a third of reports then have one). */
  abnormalAnalyte: number;
  /** Chance that an item is an amendment of a report sent earlier (a result corrected by the laboratory). */
  amendment: number;
  /** Chance that an item withdraws a report sent earlier as entered-in-error. */
  enteredInError: number;
}

export const DEFAULT_LAB_SETTINGS: LabFeedSettings = { abnormalAnalyte: 0.06, amendment: 0.02, enteredInError: 0.004 };

const round = (value: number, dp: number) => Number(value.toFixed(dp));

/** One analyte's result with the laboratory's own flag (N, H, L, HH, LL). */
export function analyteResult(rng: Random, analyte: Analyte, abnormalChance: number): LabResult {
  const span = analyte.high - analyte.low;
  let value: number;
  if (rng.chance(abnormalChance)) {
    // Outside the range, mostly just outside; a few far enough to be critical.
    const high = analyte.low <= 0 || rng.chance(0.6);
    const beyond = span * (rng.chance(0.9) ? 0.05 + rng.next() * 0.4 : 0.5 + rng.next() * 1.5);
    value = high ? analyte.high + beyond : Math.max(analyte.low - beyond, analyte.low * 0.2);
  } else {
    value = analyte.low + span * (0.1 + rng.next() * 0.8);
  }
  value = round(value, analyte.dp);
  // Rounding may land on a limit: the flag follows the value as reported.
  const flag =
    analyte.criticalHigh !== undefined && value >= analyte.criticalHigh
      ? "HH"
      : analyte.criticalLow !== undefined && value <= analyte.criticalLow
        ? "LL"
        : value > analyte.high
          ? "H"
          : value < analyte.low
            ? "L"
            : "N";
  return { loinc: analyte.loinc, display: analyte.display, value, unit: analyte.unit, low: analyte.low, high: analyte.high, flag };
}

export function pickWeighted<T extends { weight: number }>(rng: Random, items: readonly T[]): T {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  let at = rng.next() * total;
  for (const item of items) {
    at -= item.weight;
    if (at < 0) return item;
  }
  return items[items.length - 1]!;
}

const masked = (nhsNumber: string) => `…${nhsNumber.slice(-4)}`;
const ABNORMAL = new Set(["H", "L", "HH", "LL", "A"]);

/**
 * Laboratory reports (Synnovis LIMS): one Bundle per report, 1 to 12 observations, abnormal results
 * at a realistic rate, and now and then an amendment or an entered-in-error of a report it sent
 * before (the same accession, a later meta.lastUpdated).
 */
export function labReports(settings: LabFeedSettings = DEFAULT_LAB_SETTINGS, weight = 1): FeedGenerator {
  // The latest version sent of each recent report: a later version builds on it, so the versions of
  // one report strictly increase, as a laboratory's do (two versions built on the same one could
  // share a meta.lastUpdated, which the record takes as a duplicate).
  const sent: LabReportSpec[] = [];
  const remember = (spec: LabReportSpec) => {
    const at = sent.findIndex((s) => s.accession === spec.accession);
    if (at >= 0) sent.splice(at, 1);
    sent.push(spec);
    if (sent.length > 500) sent.shift();
  };
  const item = (spec: LabReportSpec, panel: string): FeedItem => {
    const abnormal = spec.results.filter((r) => r.flag && ABNORMAL.has(r.flag)).length;
    return {
      kind: "lab",
      clientId: "lab-synnovis",
      entries: labReportEntries(spec),
      summary: `lab ${spec.accession} ${panel} ${spec.status ?? "final"}: ${spec.results.length} obs, ${abnormal} abnormal, resident ${masked(spec.patient.nhsNumber)}`,
      clinicalResources: 1 + spec.results.length,
      key: spec.accession,
    };
  };
  const panelOf = (spec: LabReportSpec) => LAB_PANELS.find((p) => p.code.code === spec.code?.code)?.name ?? "report";
  return {
    kind: "lab",
    clientId: "lab-synnovis",
    types: ["DiagnosticReport", "Observation", "Patient"],
    weight,
    next(ctx) {
      const { rng, now } = ctx;
      const roll = rng.next();
      const earlier = sent.length > 0 ? sent[rng.int(0, sent.length - 1)]! : null;
      if (earlier && earlier.status !== "entered-in-error" && roll < settings.amendment + settings.enteredInError) {
        // A later version of the same report: never dated before the one it replaces.
        const lastUpdated = new Date(Math.max(now.getTime(), earlier.lastUpdated.getTime() + 1000));
        const withdrawn = roll < settings.enteredInError;
        const results = withdrawn ? earlier.results : earlier.results.map((r, i) => (i === 0 ? analyteResult(rng, analyteOf(r), settings.abnormalAnalyte) : r));
        const spec: LabReportSpec = {
          ...earlier,
          lastUpdated,
          results,
          status: withdrawn ? "entered-in-error" : "amended",
          conclusion: withdrawn ? "Sample labelled for the wrong patient: report withdrawn." : "Amended: result repeated on a new sample.",
        };
        remember(spec);
        return item(spec, panelOf(spec));
      }
      const panel = pickWeighted(rng, LAB_PANELS);
      const patient = ctx.patients[rng.int(0, ctx.patients.length - 1)]!;
      const spec: LabReportSpec = {
        patient,
        accession: `${ctx.runId}-${String(ctx.seq).padStart(7, "0")}`,
        lastUpdated: now,
        status: "final",
        category: panel.category,
        code: panel.code,
        results: panel.analytes.map((an) => analyteResult(rng, an, settings.abnormalAnalyte)),
      };
      remember(spec);
      return item(spec, panel.name);
    },
  };
}

const ANALYTES = new Map(LAB_PANELS.flatMap((p) => p.analytes.map((an) => [an.loinc, an] as const)));
const analyteOf = (r: LabResult): Analyte => ANALYTES.get(r.loinc) ?? { ...r, dp: 1 };

// ---------------------------------------------------------------------------------------------
// The mix
// ---------------------------------------------------------------------------------------------

/**
 * The generators of today's feed. Add dispensing, discharges and placements here (with weights
 * like real traffic: mostly laboratory results) as their mappings land.
 */
export const FEED_GENERATORS = (): FeedGenerator[] => [labReports()];

export interface Feed {
  readonly generators: readonly FeedGenerator[];
  next(now: Date): FeedItem;
}

/** A feed over the given patients: each call picks a generator by weight and makes one Bundle's entries. */
export function createFeed(opts: { patients: readonly BundlePatient[]; seed: number; runId: string; generators?: FeedGenerator[] }): Feed {
  if (opts.patients.length === 0) throw new Error("the feed needs at least one patient");
  const generators = opts.generators ?? FEED_GENERATORS();
  const rng = new Random(opts.seed);
  let seq = 0;
  return {
    generators,
    next(now) {
      const generator = pickWeighted(rng, generators);
      return generator.next({ rng, now, patients: opts.patients, runId: opts.runId, seq: seq++ });
    },
  };
}
