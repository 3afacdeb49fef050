// docs/access-policy.md and the code must say the same thing.
import { readFileSync } from "node:fs";
import { Role } from "../platform/identity/identity.js";
import { LEAVER_WINDOW_DAYS, ROLE_GROUP, SECTION_MATRIX, SEES_RESTRICTED, writeDenial, type RoleGroup } from "../platform/access/policy.js";
import { SECTIONS } from "../platform/access/sections.js";
import { BREAK_GLASS_HOURS } from "../subgraphs/residents/resolvers/break-glass.js";
import { markdownTable } from "./support/markdown-table.js";

const doc = readFileSync(new URL("../docs/access-policy.md", import.meta.url), "utf8");

function table(heading: string): string[][] {
  const { header, rows } = markdownTable(doc, heading);
  return [header, ...rows];
}

describe("docs/access-policy.md", () => {
  it("lists every role with its group", () => {
    const [, ...rows] = table("role");
    expect(Object.fromEntries(rows.map(([role, group]) => [role, group]))).toEqual(ROLE_GROUP);
    expect(rows.map(([r]) => r).sort()).toEqual([...Role.options].sort());
  });

  it("has the section matrix the code enforces", () => {
    const [header, ...rows] = table("section");
    const groups = header!.slice(1) as RoleGroup[];
    expect(groups.sort()).toEqual(Object.keys(SECTION_MATRIX).sort());
    expect(rows.map(([s]) => s)).toEqual([...SECTIONS]);
    const [, ...again] = table("section");
    const documented = Object.fromEntries(header!.slice(1).map((g, i) => [g, Object.fromEntries(again.map((row) => [row[0], row[i + 1]]))]));
    expect(documented).toEqual(SECTION_MATRIX);
  });

  it("states who sees restricted categories, the leaver window and the break-glass duration", () => {
    expect(doc).toContain(`are shown only to: ${[...SEES_RESTRICTED].join(", ")}.`);
    expect(doc).toContain(`for ${LEAVER_WINDOW_DAYS} days after a resident leaves`);
    expect(doc).toContain(`for ${BREAK_GLASS_HOURS} hours that user may see`);
  });
});

describe("writes under break-glass", () => {
  it("the table's refusal is writeDenial's for a grant resting on the glass; the group's own current relationship may write", () => {
    const [header, ...rows] = table("write");
    expect(header).toEqual(["write", "who may write", "with break-glass and no relationship"]);
    expect(rows.map(([w]) => w!.split(" ")[0])).toEqual(["`submitCarePlanQuestionnaire`", "`addCarePlanClinicalDetail`", "`approveCarePlan`", "`markSeen`"]);
    for (const [, who, code] of rows)
      for (const group of who!.split(", ") as RoleGroup[]) {
        expect(writeDenial({ allowed: true, group, breakGlass: true, relationship: "NONE" }, group)).toBe(code!.replace(/`/g, ""));
        expect(writeDenial({ allowed: true, group, breakGlass: false, relationship: "CURRENT" }, group)).toBeNull();
      }
  });

  it("has a Decisions section covering the cases the rules leave open", () => {
    const [, ...rows] = table("case");
    expect(rows.map(([c]) => c)).toEqual(
      expect.arrayContaining([
        "the leaver window's boundary",
        "submitting a questionnaire for a resident who left",
        "submitting (or adding clinical detail, approving) for a resident who objected to sharing",
        "an objected resident in the home's resident list",
        "the token's `org_type` claim vs the registry",
      ]),
    );
  });
});

describe("RESIDENT_FIELD_SECTIONS", () => {
  it("assigns every field of Resident in the client schema to a section, so none escapes the rules or the audit", async () => {
    const { apiSchema } = await import("./support/selection.js");
    const { RESIDENT_FIELD_SECTIONS } = await import("../subgraphs/registry.js");
    const fields = Object.keys((apiSchema.getType("Resident") as import("graphql").GraphQLObjectType).getFields()).sort();
    expect(Object.keys(RESIDENT_FIELD_SECTIONS).sort()).toEqual(fields);
  });
});

describe("actions", () => {
  it("the action table is the catalogue: scope, performers and what each is decided on", async () => {
    const { ACTIONS, actionEntry } = await import("../platform/access/actions.js");
    const [header, ...rows] = table("action");
    expect(header).toEqual(["action", "field", "scope", "performed by", "decided on"]);
    const documented = rows.map(([action, , scope, by, on]) => [action, scope, by, on]);
    const coded = (Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]).map((a) => {
      const e = actionEntry(a);
      return [a, e.scope, e.performedBy === "CLINICIANS" ? "clinicians" : e.performedBy.join(", "), e.on];
    });
    expect(documented).toEqual(coded);
  });

  it("an action decided on a FULL section is performed by exactly the groups that see that section FULL", async () => {
    const { ACTIONS, actionEntry } = await import("../platform/access/actions.js");
    for (const a of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
      const e = actionEntry(a);
      if (e.on !== "fullSection") continue;
      const full = (Object.keys(SECTION_MATRIX) as RoleGroup[]).filter((g) => SECTION_MATRIX[g][e.section as keyof (typeof SECTION_MATRIX)["GP"]] === "FULL");
      expect([a, e.performedBy]).toEqual([a, full]);
    }
  });
});

describe("scopes", () => {
  it("the scope table names the roles that hold each scope and the root fields that need it", async () => {
    const { SCOPES, scopesOf } = await import("../platform/access/actions.js");
    const supergraph = readFileSync(new URL("../schema/supergraph.graphql", import.meta.url), "utf8");
    const { rootScopes } = await import("../gateway/plugins/scopes.js");
    const declared = [...rootScopes(supergraph).values()].flatMap((fields) => [...fields]);
    const fieldsNeeding = (scope: string) =>
      declared
        .filter(([, sets]) => sets.flat().includes(scope))
        .map(([field]) => field)
        .sort();
    const [, ...rows] = table("scope");
    expect(rows.map(([s]) => s)).toEqual([...SCOPES]);
    for (const [scope, fields, roles] of rows) {
      expect([scope, roles!.split(", ").filter(Boolean)]).toEqual([scope, Role.options.filter((r) => (scopesOf(r) as string[]).includes(scope!))]);
      expect([scope, fields!.replace(/`/g, "").split(", ").sort()]).toEqual([scope, fieldsNeeding(scope!)]);
    }
  });
});
