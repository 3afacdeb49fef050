// What reaches a log line from a structured field: no request content, no NHS number.
import { maskIdentifiers, scrubLogValue } from "./logger.js";

describe("scrubLogValue", () => {
  it("drops request-shaped keys at any depth and masks NHS-number-shaped digits", () => {
    const out = JSON.stringify(
      scrubLogValue({
        err: Object.assign(new Error("resident 9990000018 failed"), { code: "E1" }),
        extensions: { code: "SUBREQUEST_HTTP_ERROR", serviceName: "labs", request: { body: '{"variables":{"nhs":"9990000018"}}' } },
        list: [{ variables: { nhs: "999 000 0018" } }, "999-000-0018", 9990000018],
        query: '{ resident(nhsNumber: "9990000018") { nhsNumber } }',
      }),
    );
    expect(out).not.toMatch(/999[ -]?000[ -]?0018|resident\(|variables":\{/);
    expect(out).toContain("SUBREQUEST_HTTP_ERROR");
    expect(out).toContain("labs");
    expect(out).toContain("E1");
  });

  it("leaves other numbers alone", () => {
    expect(maskIdentifiers("limit of 4000 exceeded at 12:30, code 22021")).toBe("limit of 4000 exceeded at 12:30, code 22021");
    expect(maskIdentifiers("ids 99900000181 and 9990000018")).toBe("ids 99900000181 and [nhs-number]");
  });
});
