// The organisation registry (ODS code, type, DSPT, sharing agreement) lives in the residents
// schema. Every subgraph with root fields needs it for the caller's preconditions. The others read
// it through the residents repository's cached rows rather than a call to the residents subgraph:
// in the steady state a lookup is an in-process cache hit (no network hop, no SQL), and it stays
// correct because registry writes purge the shared "residents" cache namespace, whose purge
// messages reach every process. The price is that those subgraphs must reach the residents schema
// of the same database, which every deployment here (one PostgreSQL, a schema per subgraph) does.
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import type { OrganisationRegistry } from "../../platform/subgraph/server.js";
import type { OrganisationFacts } from "../../platform/access/policy.js";
import { createResidentsRepository, type Organisation, type ResidentsRepository } from "./repository.js";

export const organisationFacts = (o: Organisation): OrganisationFacts => ({
  odsCode: o.odsCode,
  type: o.type.toLowerCase(),
  dsptStandardMet: o.dsptStandardMet,
  sharingAgreementSigned: o.sharingAgreementSignedOn !== null,
});

export const registryOf = (repo: Pick<ResidentsRepository, "organisations">) => async (odsCode: string) => {
  const [o] = await repo.organisations([odsCode]);
  return o ? organisationFacts(o) : null;
};

/** The registry for a subgraph other than residents (its own Prisma client, closed with the subgraph). */
export function createOrganisationRegistry(db: Database, caches: CacheHub): OrganisationRegistry {
  const repo = createResidentsRepository(db, caches.cache("residents"));
  return { organisation: registryOf(repo), close: () => repo.close() };
}
