// A small typed client for the care record: it runs the operations GraphQL Code Generator typed
// from clients/operations/ (clients/generated/), so a result's shape and an operation's variables
// are checked by the compiler against schema/api.graphql. Operations go by their trusted-document
// hash (`documentId`), the only form a production gateway runs; `sendText` sends the document
// itself, for a development gateway.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

export interface CareRecordError {
  message: string;
  path?: (string | number)[];
  /** Every error the care record sends has a stable `code` (README, "Errors"). */
  extensions?: { code?: string; [key: string]: unknown };
}

/** `data` is what the operation asked for (null when the whole request was refused); `errors` say why any part is missing. */
export interface CareRecordResult<T> {
  status: number;
  data: T | null;
  errors: CareRecordError[];
}

export interface CareRecordClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** The user's bearer token (or how to get a fresh one). */
  token: string | (() => string | Promise<string>);
  /** Send the document text instead of its trusted-document hash. */
  sendText?: boolean;
  fetch?: typeof fetch;
}

type Hashed = { __meta__?: { hash?: string } };

export function createCareRecordClient(options: CareRecordClientOptions) {
  const send = options.fetch ?? fetch;
  return {
    async execute<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<CareRecordResult<TResult>> {
      const hash = (document as Hashed).__meta__?.hash;
      if (!hash && !options.sendText) throw new Error("this document has no trusted-document hash: regenerate clients/generated or use sendText");
      const token = typeof options.token === "function" ? await options.token() : options.token;
      const body = options.sendText || !hash ? { query: print(document), variables } : { documentId: hash, variables };
      const response = await send(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { data?: TResult | null; errors?: CareRecordError[] };
      return { status: response.status, data: json.data ?? null, errors: json.errors ?? [] };
    },
  };
}

export type CareRecordClient = ReturnType<typeof createCareRecordClient>;
