// The sections of a resident's record that access rules and the audit speak about. Each maps to
// one or more GraphQL fields on Resident (see docs/access-policy.md); which fields, each subgraph's
// manifest says (subgraphs/<name>/manifest.ts, merged in subgraphs/registry.ts).
import { SECTION_ROWS } from "./policy.js";

/** The sections, in the policy table's order. */
export type Section = keyof typeof SECTION_ROWS;
export const SECTIONS = Object.keys(SECTION_ROWS) as Section[];
