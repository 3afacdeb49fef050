import { GraphQLError } from "graphql";
import { formatError, domainError } from "./errors.js";

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
