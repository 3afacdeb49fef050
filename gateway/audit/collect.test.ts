// The audit's derivation rules on hand-made results: outcomes per section, and a response that
// cannot be attributed is refused rather than shown unaudited.
import { readFileSync } from "node:fs";
import { buildSchema, parse } from "graphql";
import { print } from "graphql";
import { AuditIntegrityError, auditedTypes, collectSectionEvents, withAuditKeys } from "./collect.js";
import { AUDIT_KEY_ALIAS, SECTION_REFUSAL_ALIAS, SECTION_STATUS_ALIAS } from "./reserved-names.js";

const schema = buildSchema(readFileSync(new URL("../../schema/api.graphql", import.meta.url), "utf8"));
const NHS = "9990000018";
const doc = withAuditKeys(
  parse(
    `{ resident(nhsNumber: "${NHS}") { allergies { status items { id } } medications { status items { id } } carePlan { status item { id } } conditions { status items { id } } } }`,
  ),
  schema,
);
/** A section wrapper as the gateway's rewritten document makes the subgraphs answer it. */
const wrapper = (status: string, items: unknown[] | null, refusalCode: string | null = null) => ({
  status,
  items,
  [SECTION_STATUS_ALIAS]: status,
  [SECTION_REFUSAL_ALIAS]: refusalCode ? { code: refusalCode } : null,
});
/** The same for a section of one record (`item`: the care plan). */
const itemWrapper = (status: string, item: unknown) => ({ status, item, [SECTION_STATUS_ALIAS]: status, [SECTION_REFUSAL_ALIAS]: null });

describe("collectSectionEvents", () => {
  it("a care plan a mutation returns is a CARE_PLAN_HISTORY view of its resident; inside a Resident, the section's event covers it", () => {
    const mutation = withAuditKeys(
      parse(
        `mutation { a: approveCarePlan(id: "CP-x", reviewDate: "2031-01-01") { plan: carePlan { ...P } userErrors { code } } } fragment P on CarePlan { id status }`,
      ),
      schema,
    );
    expect(print(mutation)).toContain(`${AUDIT_KEY_ALIAS}: nhsNumber`);
    const data = { a: { plan: { id: "CP-x", status: "APPROVED", [AUDIT_KEY_ALIAS]: NHS }, userErrors: [] } };
    expect(collectSectionEvents(mutation, schema, data)).toEqual([{ nhsNumber: NHS, section: "CARE_PLAN_HISTORY", outcome: "ALLOWED", denialCode: null }]);
    expect(JSON.stringify(data)).not.toMatch(/_carerecord/);
    // Refused with user errors: no plan shown, nothing recorded.
    expect(collectSectionEvents(mutation, schema, { a: { plan: null, userErrors: [{ code: "NOT_APPROVABLE" }] } })).toEqual([]);
    // A plan without the key cannot be attributed: the response is withheld.
    expect(() => collectSectionEvents(mutation, schema, { a: { plan: { id: "CP-x", status: "APPROVED" }, userErrors: [] } })).toThrow(AuditIntegrityError);
    const inside = withAuditKeys(parse(`{ resident(nhsNumber: "${NHS}") { carePlanHistory { status items { id } } } }`), schema);
    const history = { resident: { [AUDIT_KEY_ALIAS]: NHS, carePlanHistory: wrapper("PRESENT", [{ id: "CP-x", [AUDIT_KEY_ALIAS]: NHS }]) } };
    expect(collectSectionEvents(inside, schema, history).map((e) => [e.section, e.outcome])).toEqual([["CARE_PLAN_HISTORY", "ALLOWED"]]);
    expect(JSON.stringify(history)).not.toMatch(/_carerecord/);
  });

  it("asks every section wrapper for its status and refusal under reserved names, whatever the client selected", () => {
    const statusOnly = print(withAuditKeys(parse(`{ resident(nhsNumber: "${NHS}") { conditions { status } } }`), schema));
    expect(statusOnly).toContain(`${SECTION_STATUS_ALIAS}: status`);
    expect(statusOnly).toMatch(new RegExp(`${SECTION_REFUSAL_ALIAS}: refusal \\{\\s*code: code\\s*\\}`));
  });

  it("ALLOWED when served, DENIED on a denial, UNAVAILABLE when its source failed", () => {
    const data = {
      resident: {
        [AUDIT_KEY_ALIAS]: NHS,
        allergies: wrapper("NONE_KNOWN", []),
        medications: wrapper("UNAVAILABLE", null),
        carePlan: itemWrapper("NOT_RECORDED", null),
        conditions: wrapper("REFUSED", null, "ROLE_NOT_PERMITTED"),
      },
    };
    const errors = [
      { path: ["resident", "medications", "items"], extensions: { code: "SOURCE_UNAVAILABLE" } },
      { path: ["resident", "conditions", "items"], extensions: { code: "ROLE_NOT_PERMITTED" } },
    ];
    const events = collectSectionEvents(doc, schema, data, errors);
    expect(Object.fromEntries(events.map((e) => [e.section, [e.outcome, e.denialCode]]))).toEqual({
      ALLERGIES: ["ALLOWED", null],
      MEDICATIONS: ["UNAVAILABLE", "SOURCE_UNAVAILABLE"],
      CARE_PLAN: ["ALLOWED", null], // NOT_RECORDED: there is no plan, and that was shown
      CONDITIONS: ["DENIED", "ROLE_NOT_PERMITTED"],
    });
    expect(data.resident).not.toHaveProperty(AUDIT_KEY_ALIAS);
    // The reserved names are read and removed: the client never sees them.
    expect(JSON.stringify(data)).not.toMatch(/_carerecord/);
  });

  it("a refusal or outage the client read only the status of is still DENIED / UNAVAILABLE (no error to go on)", () => {
    const data = {
      resident: {
        [AUDIT_KEY_ALIAS]: NHS,
        allergies: wrapper("PRESENT", [{ id: "A" }]),
        medications: wrapper("UNAVAILABLE", null),
        conditions: wrapper("REFUSED", null, "SHARING_OBJECTION"),
      },
    };
    const events = collectSectionEvents(doc, schema, data, []);
    expect(Object.fromEntries(events.map((e) => [e.section, [e.outcome, e.denialCode]]))).toEqual({
      ALLERGIES: ["ALLOWED", null],
      MEDICATIONS: ["UNAVAILABLE", "SOURCE_UNAVAILABLE"],
      CONDITIONS: ["DENIED", "SHARING_OBJECTION"],
    });
  });

  it("an error below a section that was still served leaves it ALLOWED (it was shown)", () => {
    const data = { resident: { [AUDIT_KEY_ALIAS]: NHS, allergies: wrapper("PRESENT", [{ id: null }]), carePlan: itemWrapper("PRESENT", { id: null }) } };
    const doc2 = withAuditKeys(parse(`{ resident(nhsNumber: "${NHS}") { allergies { status items { id } } carePlan { status item { id } } } }`), schema);
    const events = collectSectionEvents(doc2, schema, data, [{ path: ["resident", "carePlan", "item", "id"], extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
    expect(events.find((e) => e.section === "CARE_PLAN")).toMatchObject({ outcome: "ALLOWED" });
    // The same error with the entries nulled by it: nothing of them was shown.
    const lost = { resident: { [AUDIT_KEY_ALIAS]: NHS, allergies: wrapper("PRESENT", null), carePlan: itemWrapper("PRESENT", null) } };
    const doc3 = withAuditKeys(parse(`{ resident(nhsNumber: "${NHS}") { allergies { status items { id } } carePlan { status item { id } } } }`), schema);
    const lostEvents = collectSectionEvents(doc3, schema, lost, [
      { path: ["resident", "allergies", "items", 0, "id"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      { path: ["resident", "carePlan", "item", "id"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
    ]);
    expect(Object.fromEntries(lostEvents.map((e) => [e.section, e.outcome]))).toEqual({ ALLERGIES: "UNAVAILABLE", CARE_PLAN: "UNAVAILABLE" });
  });

  it("a refused look-up of a whole resident that failed for another reason is UNAVAILABLE, not DENIED", () => {
    const events = collectSectionEvents(doc, schema, { resident: null }, [{ path: ["resident"], extensions: { code: "SOURCE_UNAVAILABLE" } }]);
    expect(events).toEqual([{ nhsNumber: NHS, section: "RECORD", outcome: "UNAVAILABLE", denialCode: "SOURCE_UNAVAILABLE" }]);
  });

  it.each([[undefined], ["F"], ["9990000019"], [{ nested: NHS }]])("refuses a resident whose key is %p", (key) => {
    const data = { resident: { [AUDIT_KEY_ALIAS]: key, allergies: wrapper("NOT_RECORDED", []) } };
    expect(() => collectSectionEvents(doc, schema, data, [])).toThrow(AuditIntegrityError);
  });

  it("walks the operation named, not the first in the document", () => {
    const two = withAuditKeys(
      parse(`query A { resident(nhsNumber: "${NHS}") { allergies { status } } } query B { resident(nhsNumber: "${NHS}") { carePlan { status item { id } } } }`),
      schema,
    );
    const events = collectSectionEvents(two, schema, { resident: { [AUDIT_KEY_ALIAS]: NHS, carePlan: itemWrapper("NOT_RECORDED", null) } }, [], {}, "B");
    expect(events.map((e) => e.section)).toEqual(["CARE_PLAN"]);
  });

  it("walks only into types that can lead to a Resident, a CarePlan or a section wrapper, through fields, unions and interfaces", () => {
    const audited = auditedTypes(schema);
    for (const t of ["Query", "Mutation", "CareHome", "ResidentConnection", "ResidentEdge", "Resident", "CarePlan", "AllergiesSection", "MedicationsSection"])
      expect(audited.has(t)).toBe(true);
    // A section's entries hold no resident: the walk does not visit them one by one.
    for (const t of ["Allergy", "AllergyReaction", "Medication", "MedicationDispense", "Observation"]) expect(audited.has(t)).toBe(false);
    const deep = buildSchema(`
      type Query { search: [Hit] note: Note }
      union Hit = Note | Box
      type Box { inner: Inner }
      interface Inner { x: Int }
      type Deep implements Inner { x: Int, resident: Resident }
      type Shallow implements Inner { x: Int }
      type Resident { nhsNumber: String }
      type Note { text: String }
    `);
    expect([...auditedTypes(deep)].sort()).toEqual(["Box", "Deep", "Hit", "Inner", "Query", "Resident"]);
  });
});
