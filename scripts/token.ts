// Mints a user token signed with the configured (by default the development) key.
//   npm run token -- --role care_home_nurse --org CH00001 [--name "A Nurse"] [--user u123]
//                    [--org-type care_home] [--training 2025-04-01|none] [--lifetime 12h (at most)]
import { parseArgs } from "node:util";
import { env } from "../platform/config/env.js";
import { Identity, Role, defaultOrgTypeForRole } from "../platform/identity/identity.js";
import { mintUserToken } from "../gateway/tokens.js";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    org: { type: "string" },
    name: { type: "string" },
    user: { type: "string" },
    "org-type": { type: "string" },
    training: { type: "string", default: "2025-01-15" },
    lifetime: { type: "string", default: "12h" },
  },
});

const role = Role.safeParse(values.role);
if (!role.success || !values.org) {
  console.error(`usage: npm run token -- --role <${Role.options.join("|")}> --org <ODS code> [--name ..] [--training YYYY-MM-DD|none]`);
  process.exit(2);
}
const identity = Identity.safeParse({
  userId: values.user ?? `dev-${role.data}`,
  name: values.name ?? `Demo ${role.data.replace(/_/g, " ")}`,
  role: role.data,
  orgCode: values.org,
  orgType: values["org-type"] ?? defaultOrgTypeForRole[role.data],
  trainingCompletedAt: values.training === "none" ? null : values.training,
});
if (!identity.success) {
  console.error(identity.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  process.exit(2);
}
const e = env();
console.log(await mintUserToken(identity.data, { secret: e.JWT_SECRET, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }, values.lifetime));
