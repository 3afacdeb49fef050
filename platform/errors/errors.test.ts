import { GraphQLError } from "graphql";
import { formatError, domainError, badInput } from "./errors.js";
import { conflictsCoded } from "./conflicts.js";
import { Refused, inputChecks, payloadOf, refused } from "./user-errors.js";
import { keyReused } from "../db/idempotency.js";

describe("formatError", () => {
  it("keeps coded domain errors and drops stack traces", () => {
    const error = domainError("BAD_USER_INPUT", "Not a valid NHS number");
    const out = formatError({ message: error.message, extensions: { ...error.extensions, stacktrace: ["at x"] } }, error);
    expect(out).toEqual({ message: "Not a valid NHS number", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("masks anything unexpected, such as a database error carrying SQL and values", () => {
    const dbError = Object.assign(new Error('duplicate key value violates unique constraint "resident_pkey" Key (nhs_number)=(9990000018)'), { code: "P2002" });
    const wrapped = new GraphQLError(dbError.message, { originalError: dbError, path: ["resident"] });
    const out = formatError(
      { message: wrapped.message, path: ["resident"], extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["SELECT ..."] } },
      wrapped,
    );
    expect(out).toEqual({ message: "Internal server error", path: ["resident"], locations: undefined, extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(JSON.stringify(out)).not.toMatch(/9990000018|SELECT|duplicate/);
  });

  it("masks errors that claim an unknown code", () => {
    const out = formatError({ message: "secret detail", extensions: { code: "SOMETHING_ELSE" } }, new Error("secret detail"));
    expect(out.message).toBe("Internal server error");
  });

  it("answers SERVICE_UNAVAILABLE (retryable) when the database cannot be reached, whatever layer wrapped it", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const causes = [
      refused,
      Object.assign(new Error("Can't reach database server"), { code: "P1001" }),
      Object.assign(new Error("Timed out fetching a new connection from the pool"), { code: "P2024" }),
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      Object.assign(new Error("DriverAdapterError"), { name: "DriverAdapterError", cause: { kind: "DatabaseNotReachable" } }),
      Object.assign(new TypeError("fetch failed"), { cause: new AggregateError([refused]) }),
    ];
    for (const cause of causes) {
      const wrapped = new GraphQLError(cause.message, { originalError: cause, path: ["submitCarePlanQuestionnaire"] });
      const out = formatError({ message: wrapped.message, path: ["submitCarePlanQuestionnaire"], extensions: { code: "INTERNAL_SERVER_ERROR" } }, wrapped);
      expect(out.extensions).toEqual({ code: "SERVICE_UNAVAILABLE", retryable: true });
      expect(out.message).not.toMatch(/5432|ECONN|reach database/);
    }
  });
});

describe("mutation payloads (user-errors.ts)", () => {
  it("a refusal becomes the payload's user errors with the result null; a result comes with no user errors", async () => {
    expect(await payloadOf("carePlan", async () => ({ id: "CP-1" }))).toEqual({ carePlan: { id: "CP-1" }, userErrors: [] });
    const refusal = payloadOf("carePlan", async () => {
      throw refused("NOT_SUBMITTED", "Clinical detail can be added to a submitted plan only");
    });
    expect(await refusal).toEqual({ carePlan: null, userErrors: [{ code: "NOT_SUBMITTED", message: expect.any(String), field: null }] });
  });

  it("a write that lost a race is the user error CONFLICT", async () => {
    const race = Object.assign(new Error("duplicate key value violates unique constraint"), { code: "P2002" });
    const answer = await payloadOf("carePlan", () =>
      conflictsCoded(async () => {
        throw race;
      }),
    );
    expect(answer).toEqual({ carePlan: null, userErrors: [{ code: "CONFLICT", message: expect.any(String), field: null }] });
  });

  it("any other error stays a top-level error with its own code", async () => {
    for (const error of [keyReused(), badInput("idempotencyKey must be 8 to 100 characters"), new Error("boom")])
      await expect(
        payloadOf("carePlan", async () => {
          throw error;
        }),
      ).rejects.toBe(error);
  });

  it("a refusal that escapes a payload is masked, never passed on", () => {
    const escaped = refused("INVALID_INPUT", "input.whatMattersToMe must be 1 to 2000 characters", ["input", "whatMattersToMe"]);
    const wrapped = new GraphQLError(escaped.message, { originalError: escaped, path: ["resident"] });
    const out = formatError({ message: wrapped.message, path: ["resident"], extensions: { code: "INTERNAL_SERVER_ERROR" } }, wrapped);
    expect(out.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("input checks report every value out of bounds at once, each with its path", () => {
    const checks = inputChecks();
    checks.text("   ", ["input", "whatMattersToMe"]);
    checks.list(
      Array.from({ length: 21 }, () => "ok"),
      ["input", "concerns"],
    );
    checks.list(["ok", "x".repeat(501)], ["input", "goals"]);
    let thrown: unknown;
    try {
      checks.done(null);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Refused);
    expect((thrown as Refused).userErrors.map((e) => [e.code, e.field])).toEqual([
      ["INVALID_INPUT", ["input", "whatMattersToMe"]],
      ["INVALID_INPUT", ["input", "concerns"]],
      ["INVALID_INPUT", ["input", "goals", "1"]],
    ]);
    const fine = inputChecks();
    expect(fine.done(fine.text("  My garden ", ["input", "whatMattersToMe"]))).toBe("My garden");
  });
});
