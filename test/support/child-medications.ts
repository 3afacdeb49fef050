// A test stack whose medications subgraph runs as a child process (to freeze or kill it), a second
// gateway over it with the given settings, and a resident with medicines to ask about.
import type { Env } from "../../platform/config/env.js";
import { startChildSubgraph, type ChildSubgraph } from "./child-subgraph.js";
import { startGatewayOver } from "./gateway-over.js";
import { startTestStack, type Stack } from "./stack.js";
import { pickResident } from "./scratch-stack.js";

export interface ChildMedicationsStack {
  base: Stack;
  child: ChildSubgraph;
  over: Awaited<ReturnType<typeof startGatewayOver>>;
  resident: { nhs: string; home: string };
  close(): Promise<void>;
}

export async function startWithChildMedications(overrides: Partial<Env>): Promise<ChildMedicationsStack> {
  const base = await startTestStack();
  const child = await startChildSubgraph("medications");
  const over = await startGatewayOver(base, { medications: child.url }, overrides);
  const resident = await pickResident(
    base,
    "NOT r.sharing_objection AND EXISTS (SELECT 1 FROM medications.medication_request m WHERE m.nhs_number = r.nhs_number)",
  );
  return {
    base,
    child,
    over,
    resident,
    close: async () => {
      await child.close();
      await over.close();
      await base.close();
    },
  };
}
