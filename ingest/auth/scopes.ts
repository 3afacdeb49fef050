// SMART system scopes for writing one resource type: v1 `system/<Type>.write` and v2's
// forms `system/<Type>.cud` (v2's spelling of v1's `write`), `.cu` and `.c`: the front door only
// creates and updates, so each grants the same. Reads, wildcards and v2 query suffixes
// (`?category=...`) are not write scopes of this service and are refused.
import { FhirResourceType } from "../sources.js";

const WRITE_SCOPE = /^system\/([A-Za-z]+)\.(write|cud|cu|c)$/;

export type ParsedScopes = { ok: true; types: ReadonlySet<FhirResourceType> } | { ok: false; scope: string };

/** The resource types a space-separated scope string grants writing, or the first scope that is not a write scope of a known type. */
export function parseWriteScopes(scope: string): ParsedScopes {
  const types = new Set<FhirResourceType>();
  for (const one of scope.split(" ").filter((s) => s !== "")) {
    const type = FhirResourceType.safeParse(WRITE_SCOPE.exec(one)?.[1]);
    if (!type.success) return { ok: false, scope: one };
    types.add(type.data);
  }
  return types.size > 0 ? { ok: true, types } : { ok: false, scope: "" };
}
