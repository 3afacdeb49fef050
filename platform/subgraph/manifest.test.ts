// The start-up check of a subgraph's manifest against its schema: a section field that is not
// nullable, or a Resident field without a section, stops the subgraph with a message saying why.
import { parse } from "graphql";
import { checkResidentFields } from "./manifest.js";

const sdl = (residentFields: string) =>
  parse(`type Resident @key(fields: "nhsNumber") {
    nhsNumber: NhsNumber!
    accessGrant: ResidentAccessGrant! @external
    ${residentFields}
  }`);

describe("checkResidentFields", () => {
  it("accepts nullable section fields, the repeated key and borrowed fields", () => {
    expect(() =>
      checkResidentFields({ name: "appointments", residentFields: { appointments: "CARE_PLAN" } }, sdl("appointments: [Appointment!]")),
    ).not.toThrow();
  });

  it("refuses a non-nullable section field and says why", () => {
    expect(() => checkResidentFields({ name: "appointments", residentFields: { appointments: "CARE_PLAN" } }, sdl("appointments: [Appointment!]!"))).toThrow(
      /subgraph appointments:\n.*Resident\.appointments \(section CARE_PLAN\) must be nullable: a refused or unavailable section is null .* would null the whole resident/,
    );
  });

  it("refuses a Resident field the manifest gives no section", () => {
    expect(() => checkResidentFields({ name: "appointments", residentFields: {} }, sdl("appointments: [Appointment!]"))).toThrow(
      /Resident\.appointments is in the schema but not in the manifest's residentFields/,
    );
  });

  it("refuses a manifest field the schema does not define", () => {
    expect(() =>
      checkResidentFields({ name: "appointments", residentFields: { appointments: "CARE_PLAN", visits: "CARE_PLAN" } }, sdl("appointments: [Appointment!]")),
    ).toThrow(/residentFields names Resident\.visits, which the schema does not define/);
  });

  it("reads fields added by `extend type Resident` too", () => {
    const doc = parse(`extend type Resident @key(fields: "nhsNumber") { nhsNumber: NhsNumber! visits: [String!]! }`);
    expect(() => checkResidentFields({ name: "x", residentFields: { visits: "CARE_PLAN" } }, doc)).toThrow(/must be nullable/);
  });
});
