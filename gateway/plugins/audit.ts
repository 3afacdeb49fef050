// Every section of a resident's record returned to (or refused to) a user becomes one access
// event, written durably before the response is released. If the audit cannot be written, the
// data is withheld: the care record never shows what it has not recorded showing.
import { createHash } from "node:crypto";
import { timeOrderedId } from "../../platform/db/time-ordered-id.js";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError, print, type DocumentNode, type ExecutionResult } from "graphql";
import { AuditIntegrityError, ReservedNamesRule, collectSectionEvents, withAuditKeys } from "../audit/collect.js";
import type { AuditWriter } from "../audit/writer.js";
import type { BreakGlassLookup } from "../audit/event.js";
import type { IdentityContext } from "./authenticate.js";
import { logger } from "../../platform/observability/logger.js";

export function useAudit(writer: AuditWriter, breakGlass: BreakGlassLookup): GatewayPlugin<IdentityContext> {
  const hashes = new WeakMap<DocumentNode, string>();
  // Parsed documents are shared between requests (the parser cache), so their rewritten copies
  // can be too.
  const rewritten = new WeakMap<DocumentNode, DocumentNode>();
  const withKeys = (document: DocumentNode, schema: Parameters<typeof withAuditKeys>[1]) => {
    let out = rewritten.get(document);
    if (!out) rewritten.set(document, (out = withAuditKeys(document, schema)));
    return out;
  };
  const hashOf = (document: DocumentNode) => {
    let hash = hashes.get(document);
    if (!hash) {
      // The operation text only: variables carry NHS numbers and are never hashed or stored.
      hash = createHash("sha256").update(print(document)).digest("hex");
      hashes.set(document, hash);
    }
    return hash;
  };
  return {
    // The key the audit reads lives under a reserved response name; no client document may use it.
    onValidate({ addValidationRule }) {
      addValidationRule(ReservedNamesRule);
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const identity = (args.contextValue as Partial<IdentityContext>).identity;
      if (!identity) return;
      const document = withKeys(args.document, args.schema);
      const operationHash = hashOf(args.document);
      setExecuteFn((a) => executeFn({ ...a, document }));
      return {
        async onExecuteDone({ result, setResult }) {
          if (!result || typeof result !== "object") return;
          // A streamed result (subscription, @defer) could not be audited before it is shown.
          if (Symbol.asyncIterator in result) {
            setResult({ errors: [new GraphQLError("Streamed operations are not supported.", { extensions: { code: "OPERATION_NOT_SUPPORTED" } })] });
            return;
          }
          const r = result as ExecutionResult;
          try {
            const served = collectSectionEvents(document, args.schema, r.data, r.errors, args.variableValues ?? {}, args.operationName);
            // The request deadline (or the client going away) aborts the request's signal; its answer
            // has been given already (503) or will reach no one, so nothing of this result is shown.
            const cut = (args.contextValue as { request?: Request }).request?.signal?.aborted === true;
            const events = cut
              ? served.map((e) => (e.outcome === "ALLOWED" ? { ...e, outcome: "UNAVAILABLE" as const, denialCode: "SERVICE_UNAVAILABLE" } : e))
              : served;
            if (events.length === 0) return;
            const reasons = await breakGlass(identity.userId, [...new Set(events.map((e) => e.nhsNumber))]);
            const occurredAt = new Date();
            const at = occurredAt.getTime();
            await writer.record(
              events.map((e) => ({
                id: timeOrderedId(at),
                occurredAt,
                userId: identity.userId,
                userRole: identity.role,
                orgCode: identity.orgCode,
                orgType: identity.orgType,
                nhsNumber: e.nhsNumber,
                section: e.section,
                purpose: reasons.has(e.nhsNumber) ? "BREAK_GLASS" : "NORMAL",
                breakGlassReason: reasons.get(e.nhsNumber) ?? null,
                operationHash,
                outcome: e.outcome,
                denialCode: e.denialCode,
              })),
            );
          } catch (error) {
            if (error instanceof AuditIntegrityError) logger.error({ err: { name: error.name } }, "a resident without its key in a result; response withheld");
            else
              logger.error(
                { err: { name: (error as Error).name, code: (error as { code?: string }).code } },
                "access events could not be written; response withheld",
              );
            setResult({
              errors: [
                new GraphQLError("The care record could not record this access, so nothing is shown. Try again.", {
                  extensions: { code: "AUDIT_UNAVAILABLE" },
                }),
              ],
            });
          }
        },
      };
    },
  };
}
