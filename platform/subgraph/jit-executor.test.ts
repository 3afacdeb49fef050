// The graphql-jit executor answers byte for byte what graphql-js answers through the same Apollo
// Server (formatError included): two servers over the same schema, one running graphql-js as Apollo
// does, one through the executor; each case checks the bodies are equal and which way it went.
import { ApolloServer, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, GraphQLScalarType, parse, type GraphQLResolveInfo } from "graphql";
import { DateTimeScalar, NhsNumberScalar } from "../graphql/scalars.js";
import { badInput, formatError } from "../errors/errors.js";
import { createJitExecutor, executorGateway, executorOutcomes, type JitExecutor, type Outcome } from "./jit-executor.js";

const typeDefs = parse(`
  scalar DateTime
  scalar Loose
  scalar NhsNumber
  type Query {
    items: [Item!]!
    item(id: ID!): Item
    failing: String
    coded: String
    unreachable: String
    strict: Item
    doomed: Item
    lazy: Lazy
    at(when: DateTime): String
    filter(f: Filter): String
    located: String
    thrownString: String
    ownNodes: String
    loose: Loose
  }
  type Item { id: ID! name: String broken: String must: String! }
  type Lazy { page: Page list: [Int] later: String count: Int nhs: NhsNumber }
  type Page { hasNext: Boolean }
  input Filter { n: Int }
  type Mutation { touch: String }
`);

const items = [
  { id: "1", name: "one" },
  { id: "2", name: "two" },
];

const resolvers = {
  DateTime: DateTimeScalar,
  NhsNumber: NhsNumberScalar,
  // A serializer that answers null: graphql-js refuses it, graphql-jit would keep the null.
  Loose: new GraphQLScalarType({ name: "Loose", serialize: () => null }),
  Query: {
    items: async () => items,
    item: (_: unknown, { id }: { id: string }) => items.find((i) => i.id === id) ?? null,
    failing: async () => {
      throw new Error("SELECT secret FROM somewhere");
    },
    coded: () => {
      throw badInput("first must be between 1 and 100", { field: "first" });
    },
    unreachable: async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    },
    strict: () => ({ id: "strict", name: "strict" }),
    doomed: () => ({ id: "doomed", name: "doomed" }),
    lazy: () => ({
      page: () => ({ hasNext: true }),
      list: Promise.resolve([1, 2]),
      later: Promise.resolve("later"),
      count: async () => 3,
      nhs: Promise.resolve("9990000018"),
    }),
    at: (_: unknown, { when }: { when?: unknown }) => (when instanceof Date ? "a Date" : typeof when),
    filter: (_: unknown, { f }: { f: Record<string, unknown> }) => JSON.stringify(Object.entries(f)),
    located: () => {
      throw new GraphQLError("located elsewhere", { path: ["elsewhere", 0] });
    },
    thrownString: () => {
      throw "boom";
    },
    ownNodes: (_: unknown, _a: unknown, _c: unknown, info: GraphQLResolveInfo) => {
      throw new GraphQLError("about the operation", { nodes: info.operation, extensions: { code: "BAD_USER_INPUT" } });
    },
    loose: () => "anything",
  },
  Item: {
    broken: async (item: { id: string }) => {
      if (item.id === "2" || item.id === "doomed") throw new Error(`item ${item.id} is broken`);
      return "fine";
    },
    must: (item: { id: string }) => {
      if (item.id === "doomed") throw new Error("doomed");
      return item.id === "strict" ? null : "there";
    },
  },
  Mutation: { touch: () => "touched" },
};

const server = (executor: "jit" | "graphql-js") => {
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  const jit = executor === "jit" ? createJitExecutor(schema) : null;
  const apollo = new ApolloServer({
    ...(jit ? { gateway: executorGateway(schema, jit) } : { schema }),
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()],
  });
  return { apollo, jit };
};

let js: ApolloServer;
let jit: ApolloServer;
let executor: JitExecutor;
beforeAll(async () => {
  js = server("graphql-js").apollo;
  const made = server("jit");
  jit = made.apollo;
  executor = made.jit!;
  await Promise.all([js.start(), jit.start()]);
});
afterAll(() => Promise.all([js.stop(), jit.stop()]));

async function ask(apollo: ApolloServer, body: Record<string, unknown>): Promise<string> {
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers: new HeaderMap([["content-type", "application/json"]]), search: "", body },
    context: async () => ({}),
  });
  if (response.body.kind !== "complete") throw new Error("expected a complete body");
  return `${response.status ?? 200} ${response.body.string}`;
}

/** Both bodies (asserted equal) and which way the jit server answered. */
async function both(body: Record<string, unknown>): Promise<{ text: string; answered: Outcome[] }> {
  const before = executorOutcomes();
  const viaJit = await ask(jit, body);
  const after = executorOutcomes();
  const viaJs = await ask(js, body);
  expect(viaJit).toBe(viaJs);
  const answered = (Object.keys(after) as Outcome[]).flatMap((k) => Array<Outcome>(after[k] - before[k]).fill(k));
  return { text: viaJit, answered };
}

const json = (text: string) => JSON.parse(text.slice(text.indexOf(" ") + 1));

describe("errors graphql-jit reports are rebuilt as graphql-js builds them", () => {
  it("an error without extensions keeps its path and locations and is masked by formatError as INTERNAL_SERVER_ERROR", async () => {
    const { text, answered } = await both({ query: "query Q {\n  a: items { id }\n    failing\n}" });
    expect(answered).toEqual(["jit"]);
    expect(json(text).errors).toEqual([
      { message: "Internal server error", locations: [{ line: 3, column: 5 }], path: ["failing"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
    ]);
    expect(text).not.toMatch(/secret/);
  });

  it("a coded error keeps its code and extras", async () => {
    const { text, answered } = await both({ query: "{ coded }" });
    expect(answered).toEqual(["jit"]);
    expect(json(text).errors).toEqual([
      {
        message: "first must be between 1 and 100",
        locations: [{ line: 1, column: 3 }],
        path: ["coded"],
        extensions: { code: "BAD_USER_INPUT", field: "first" },
      },
    ]);
  });

  it("a database that cannot be reached is still SERVICE_UNAVAILABLE (the original error is kept)", async () => {
    const { text, answered } = await both({ query: "{ unreachable }" });
    expect(answered).toEqual(["jit"]);
    expect(json(text).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("errors in list items, under aliases and fragments, with a field selected twice, in graphql-js's order", async () => {
    const query = `query Items {
      items {
        ...Parts
        again: broken
        id broken
      }
      more: items { broken }
    }
    fragment Parts on Item { id
        broken name }`;
    const { text, answered } = await both({ query, operationName: "Items" });
    expect(answered).toEqual(["jit"]);
    expect(json(text).errors.map((e: { path: unknown[]; locations: unknown[] }) => [e.path, e.locations])).toEqual([
      [
        ["items", 1, "broken"],
        [
          { line: 10, column: 9 },
          { line: 5, column: 12 },
        ],
      ],
      [["items", 1, "again"], [{ line: 4, column: 9 }]],
      [["more", 1, "broken"], [{ line: 7, column: 21 }]],
    ]);
  });

  it("an error that already has a path, a thrown string and an error located by nodes of its own: as graphql-js", async () => {
    for (const query of ["{ located }", "{ thrownString }", "query Own {\n  ownNodes }"]) expect((await both({ query })).answered).toEqual(["jit"]);
    const own = json((await both({ query: "query Own {\n  ownNodes }" })).text).errors[0];
    expect(own).toMatchObject({ path: ["ownNodes"], locations: [{ line: 1, column: 1 }], extensions: { code: "BAD_USER_INPUT" } });
  });
});

describe("graphql-js answers what graphql-jit would answer differently", () => {
  it("a null in a non-null field (graphql-jit words it and prunes the answer its own way)", async () => {
    const { text, answered } = await both({ query: "{ strict { id must } }" });
    expect(answered).toEqual(["errors"]);
    expect(json(text)).toMatchObject({ data: { strict: null }, errors: [{ path: ["strict", "must"] }] });
  });

  it("a failed non-null field (graphql-jit still runs and reports the fields after it in the branch it nulls)", async () => {
    const { text, answered } = await both({ query: "{ doomed { must broken } }" });
    expect(answered).toEqual(["errors"]);
    expect(json(text)).toMatchObject({ data: { doomed: null }, errors: [{ path: ["doomed", "must"] }] });
    expect(json(text).errors).toHaveLength(1);
  });

  it("a promise or a function a leaf reads off its parent (graphql-js awaits or calls it)", async () => {
    const { text, answered } = await both({ query: "{ lazy { later count } }" });
    expect(answered).toEqual(["errors"]);
    expect(json(text)).toEqual({ data: { lazy: { later: "later", count: 3 } } });
    // A custom scalar's serializer would turn the promise into "[object Promise]" without a word.
    const nhs = await both({ query: "{ lazy { nhs } }" });
    expect(nhs.answered).toEqual(["errors"]);
    expect(json(nhs.text)).toEqual({ data: { lazy: { nhs: "9990000018" } } });
  });

  it("a serializer that answers null", async () => {
    expect((await both({ query: "{ loose }" })).answered).toEqual(["errors"]);
  });

  it("a bad variable: graphql-js's wording of the request error", async () => {
    const { text, answered } = await both({ query: "query ($id: ID!) { item(id: $id) { id } }", variables: { id: { not: "an id" } } });
    expect(answered).toEqual(["variables"]);
    expect(text).toMatch(/^400 /);
    expect(json(text).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("a left-out variable with a default, or given for an input object's field", async () => {
    const defaulted = await both({ query: `query ($w: DateTime = "2026-01-01T00:00:00Z") { at(when: $w) }` });
    expect(defaulted.answered).toEqual(["omitted-variable"]);
    expect(json(defaulted.text).data.at).toBe("a Date");
    const field = await both({ query: "query ($n: Int) { filter(f: { n: $n }) }" });
    expect(field.answered).toEqual(["omitted-variable"]);
    expect(json(field.text).data.filter).toBe("[]");
    // Sent, they run compiled.
    expect(
      (await both({ query: `query ($w: DateTime = "2026-01-01T00:00:00Z") { at(when: $w) }`, variables: { w: "2026-02-01T00:00:00Z" } })).answered,
    ).toEqual(["jit"]);
  });

  it("mutations, and an operation name the document does not have", async () => {
    expect((await both({ query: "mutation { touch }" })).answered).toEqual(["mutation"]);
    expect((await both({ query: "query A { items { id } }", operationName: "B" })).answered).toEqual(["no-operation"]);
  });
});

describe("graphql-jit runs", () => {
  it("fields without a resolver whose parent holds a function or a promise, as graphql-js's default resolver does", async () => {
    const { text, answered } = await both({ query: "{ lazy { page { hasNext } list } }" });
    expect(answered).toEqual(["jit"]);
    expect(json(text)).toEqual({ data: { lazy: { page: { hasNext: true }, list: [1, 2] } } });
  });

  it("each document once per operation name", async () => {
    const query = "query A { items { id } } query B { items { name } }";
    const before = executor.compiledCount;
    for (let i = 0; i < 3; i++) {
      expect((await both({ query, operationName: "A" })).answered).toEqual(["jit"]);
      expect((await both({ query, operationName: "B" })).answered).toEqual(["jit"]);
    }
    expect(executor.compiledCount - before).toBe(2);
  });
});
