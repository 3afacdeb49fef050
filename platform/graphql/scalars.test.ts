import { GraphQLError, Kind } from "graphql";
import { DateScalar, DateTimeScalar, NhsNumberScalar } from "./scalars.js";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : "not a GraphQLError";
  }
  return "no error";
};

describe("scalars", () => {
  it("NhsNumber accepts valid numbers and rejects invalid ones as BAD_USER_INPUT", () => {
    expect(NhsNumberScalar.parseValue("9434765919")).toBe("9434765919");
    expect(NhsNumberScalar.parseValue("943 476 5919")).toBe("9434765919");
    expect(codeOf(() => NhsNumberScalar.parseValue("9434765918"))).toBe("BAD_USER_INPUT");
    expect(codeOf(() => NhsNumberScalar.parseValue(9434765919))).toBe("BAD_USER_INPUT");
    expect(codeOf(() => NhsNumberScalar.parseLiteral({ kind: Kind.INT, value: "9434765919" }))).toBe("BAD_USER_INPUT");
  });

  it("Date requires a real calendar date", () => {
    expect(DateScalar.serialize(DateScalar.parseValue("2024-02-29"))).toBe("2024-02-29");
    expect(codeOf(() => DateScalar.parseValue("2023-02-29"))).toBe("BAD_USER_INPUT");
    expect(codeOf(() => DateScalar.parseValue("29/02/2024"))).toBe("BAD_USER_INPUT");
  });

  it("DateTime requires a time zone", () => {
    expect(DateTimeScalar.serialize(DateTimeScalar.parseValue("2026-01-02T03:04:05+01:00"))).toBe("2026-01-02T02:04:05.000Z");
    expect(codeOf(() => DateTimeScalar.parseValue("2026-01-02T03:04:05"))).toBe("BAD_USER_INPUT");
    expect(codeOf(() => DateTimeScalar.parseValue("yesterday"))).toBe("BAD_USER_INPUT");
  });
});
