// Concurrency must never mix callers: two users sending the same query at the same moment each get
// only what their own access allows. (Hive Gateway deduplicates identical in-flight subgraph
// requests by default, keyed without the identity header the gateway adds; that gave one user's
// answer to another, so the gateway turns it off. This test is the regression guard.)
import { gatewayQuery, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
let own: string;
beforeAll(async () => {
  stack = await startTestStack();
  own = (
    await stack.db.sql.query<{ n: string }>(
      `SELECT r.nhs_number AS n FROM residents.resident r JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = 'CH00001' AND NOT r.sharing_objection ORDER BY 1 LIMIT 1`,
    )
  )[0]!.n;
});
afterAll(() => stack.close());

const QUERY = `query Same($n: NhsNumber!) { resident(nhsNumber: $n) { nhsNumber name { family } allergies { status items { id } } medications { status items { id } } } }`;

describe("concurrent callers", () => {
  it("never hand one caller's answer to another sending the identical request at the same moment", async () => {
    const allowed = nurseAt("CH00001");
    const refused = nurseAt("CH00002");
    let leaks = 0;
    for (let round = 0; round < 60; round++) {
      const calls = Array.from({ length: 4 }, (_, i) => gatewayQuery(stack, QUERY, { n: own }, i % 2 === 0 ? allowed : refused));
      const results = await Promise.all(calls);
      results.forEach((res, i) => {
        if (i % 2 === 0) expect(res.data?.resident?.nhsNumber).toBe(own);
        else {
          if (res.data?.resident != null) leaks++;
          expect(res.errors?.[0]?.extensions?.code).toBe("NO_CARE_RELATIONSHIP");
        }
      });
    }
    expect(leaks).toBe(0);
  });
});
