// The benchmark's monolith serves a hand-written schema that must stay a subset of the client
// schema (types, fields, arguments with defaults, enum values); when the client schema moves on,
// this fails here instead of the benchmark's monolith refusing to start mid-run.
import { buildSchema } from "graphql";
import { assertSubsetOf, monolithSchema } from "../bench/servers/monolith-schema.js";

it("monolith.graphql is a subset of schema/api.graphql", () => {
  expect(() => monolithSchema()).not.toThrow();
});

it("the check refuses a changed argument or enum value, whatever the order", () => {
  const api = buildSchema(`type Query { list(first: Int = 20, after: String): [Int] status: Status } enum Status { A B }`);
  expect(() => assertSubsetOf(buildSchema(`type Query { list(after: String, first: Int = 20): [Int] status: Status } enum Status { B A }`), api)).not.toThrow();
  expect(() => assertSubsetOf(buildSchema(`type Query { list(first: Int = 10, after: String): [Int] }`), api)).toThrow(/Query.list/);
  expect(() => assertSubsetOf(buildSchema(`type Query { status: Status } enum Status { A B C }`), api)).toThrow(/enum Status/);
});
