import { recipientOf } from "./planned-action.js";

describe("recipientOf", () => {
  it("maps what the demo data and hospitals write, whatever the case, spacing or punctuation", () => {
    expect(recipientOf("GP")).toBe("GP");
    expect(recipientOf("CARE_HOME")).toBe("CARE_HOME");
    expect(recipientOf("COMMUNITY_NURSE")).toBe("COMMUNITY_NURSE");
    expect(recipientOf("HOSPITAL_CLINIC")).toBe("HOSPITAL");
    expect(recipientOf(" general practitioner ")).toBe("GP");
    expect(recipientOf("District nurse")).toBe("COMMUNITY_NURSE");
    expect(recipientOf("Community pharmacy")).toBe("PHARMACY");
    expect(recipientOf("patient/carer")).toBe("RESIDENT_OR_FAMILY");
    expect(recipientOf("Nursing home")).toBe("CARE_HOME");
  });

  it.each([["Falls team"], [""], ["   "], ["care_home_x"], ["__proto__"], ["constructor"]])("anything else is OTHER, never an error: %p", (text) => {
    expect(recipientOf(text)).toBe("OTHER");
  });
});
