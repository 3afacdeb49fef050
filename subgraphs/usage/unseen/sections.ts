// The sections "what's new" speaks about (ADR 0006): those whose content arrives from a source
// system and changes, in the order a dashboard shows them, and the subgraph that reports each one's
// changes (read off the subgraphs' own manifests, so a section moved between subgraphs follows).
import { about as discharge } from "../../discharge/manifest.js";
import { about as labs } from "../../labs/manifest.js";
import { about as medications } from "../../medications/manifest.js";
import { about as careplans } from "../../careplans/manifest.js";
import type { Section } from "../../../platform/access/sections.js";
import type { SubgraphDescription } from "../../../platform/subgraph/manifest.js";

export const CHANGING_SECTIONS = [
  "DISCHARGE_SUMMARIES",
  "HOSPITAL_STAYS",
  "EMERGENCY_CARE",
  "DIAGNOSTIC_REPORTS",
  "MEDICATIONS",
  "CARE_PLAN",
] as const satisfies readonly Section[];
export type ChangingSection = (typeof CHANGING_SECTIONS)[number];

export const isChangingSection = (s: string): s is ChangingSection => (CHANGING_SECTIONS as readonly string[]).includes(s);

/** A subgraph that reports changes: its name (a peer), its source system, and its changing sections. */
export interface ChangeSource {
  subgraph: string;
  sourceSystem: string;
  sections: ChangingSection[];
}

const REPORTING: readonly SubgraphDescription[] = [discharge, labs, medications, careplans];

export const CHANGE_SOURCES: readonly ChangeSource[] = REPORTING.map((about) => ({
  subgraph: about.name,
  sourceSystem: about.sourceSystem ?? about.name,
  sections: CHANGING_SECTIONS.filter((s) => Object.values(about.residentFields).includes(s)),
}));
