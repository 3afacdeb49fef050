// The audit's derivation rules on hand-made results: outcomes per section, and a response that
// cannot be attributed is refused rather than shown unaudited.
import { readFileSync } from "node:fs";
import { buildSchema, parse } from "graphql";
import { AUDIT_KEY_ALIAS, AuditIntegrityError, collectSectionEvents, withAuditKeys } from "./collect.js";

const schema = buildSchema(readFileSync(new URL("../../schema/api.graphql", import.meta.url), "utf8"));
const NHS = "9990000018";
const doc = withAuditKeys(parse(`{ resident(nhsNumber: "${NHS}") { allergies { id } medications { id } carePlan { id } conditions { id } } }`), schema);

describe("collectSectionEvents", () => {
  it("ALLOWED when served, DENIED on a denial, UNAVAILABLE when null because its source failed", () => {
    const data = { resident: { [AUDIT_KEY_ALIAS]: NHS, allergies: [], medications: null, carePlan: null, conditions: null } };
    const errors = [
      { path: ["resident", "medications"], extensions: { code: "SOURCE_UNAVAILABLE" } },
      { path: ["resident", "conditions"], extensions: { code: "ROLE_NOT_PERMITTED" } },
    ];
    const events = collectSectionEvents(doc, schema, data, errors);
    expect(Object.fromEntries(events.map((e) => [e.section, [e.outcome, e.denialCode]]))).toEqual({
      ALLERGIES: ["ALLOWED", null],
      MEDICATIONS: ["UNAVAILABLE", "SOURCE_UNAVAILABLE"],
      CARE_PLAN: ["ALLOWED", null], // null without an error: there is no plan, and that was shown
      CONDITIONS: ["DENIED", "ROLE_NOT_PERMITTED"],
    });
    expect(data.resident).not.toHaveProperty(AUDIT_KEY_ALIAS);
  });

  it("an error below a section that was still served leaves it ALLOWED (it was shown)", () => {
    const data = { resident: { [AUDIT_KEY_ALIAS]: NHS, allergies: [{ id: null }], medications: [], carePlan: null, conditions: [] } };
    const events = collectSectionEvents(doc, schema, data, [{ path: ["resident", "allergies", 0, "id"], extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
    expect(events.find((e) => e.section === "ALLERGIES")).toMatchObject({ outcome: "ALLOWED" });
  });

  it("a refused look-up of a whole resident that failed for another reason is UNAVAILABLE, not DENIED", () => {
    const events = collectSectionEvents(doc, schema, { resident: null }, [{ path: ["resident"], extensions: { code: "SOURCE_UNAVAILABLE" } }]);
    expect(events).toEqual([{ nhsNumber: NHS, section: "RECORD", outcome: "UNAVAILABLE", denialCode: "SOURCE_UNAVAILABLE" }]);
  });

  it.each([[undefined], ["F"], ["9990000019"], [{ nested: NHS }]])("refuses a resident whose key is %p", (key) => {
    const data = { resident: { [AUDIT_KEY_ALIAS]: key, allergies: [] } };
    expect(() => collectSectionEvents(doc, schema, data, [])).toThrow(AuditIntegrityError);
  });

  it("walks the operation named, not the first in the document", () => {
    const two = withAuditKeys(
      parse(`query A { resident(nhsNumber: "${NHS}") { allergies { id } } } query B { resident(nhsNumber: "${NHS}") { carePlan { id } } }`),
      schema,
    );
    const events = collectSectionEvents(two, schema, { resident: { [AUDIT_KEY_ALIAS]: NHS, carePlan: null } }, [], {}, "B");
    expect(events.map((e) => e.section)).toEqual(["CARE_PLAN"]);
  });
});
