// Custom scalars shared by every subgraph (and re-applied at the gateway so bad input is rejected
// at the edge before any subgraph is called).
import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { normaliseNhsNumber } from "./nhs-number.js";
import { badInput } from "../errors/errors.js";

function stringLiteral(ast: ValueNode, type: string): string {
  if (ast.kind !== Kind.STRING) throw badInput(`${type} must be given as a string`);
  return ast.value;
}

function parseNhsNumber(value: unknown): string {
  if (typeof value !== "string") throw badInput("NhsNumber must be a string of 10 digits");
  const normalised = normaliseNhsNumber(value);
  if (!normalised) throw badInput("Not a valid NHS number (10 digits with a Modulus 11 check digit)", { field: "nhsNumber" });
  return normalised;
}

export const NhsNumberScalar = new GraphQLScalarType<string, string>({
  name: "NhsNumber",
  description: "A 10-digit NHS number; input is checked for format and its Modulus 11 check digit.",
  serialize: (v) => String(v),
  parseValue: parseNhsNumber,
  parseLiteral: (ast) => parseNhsNumber(stringLiteral(ast, "NhsNumber")),
});

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(value: unknown): Date {
  if (typeof value !== "string" || !ISO_DATE.test(value)) throw badInput("Date must be YYYY-MM-DD");
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw badInput(`Not a real date: ${value}`);
  return date;
}

export const DateScalar = new GraphQLScalarType<Date, string>({
  name: "Date",
  description: "A calendar date, YYYY-MM-DD.",
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(stringLiteral(ast, "Date")),
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== "string" || !ISO_DATE_TIME.test(value)) throw badInput("DateTime must be ISO 8601 with a time zone");
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`Not a real time: ${value}`);
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An instant, ISO 8601 with a time zone (UTC on output).",
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(stringLiteral(ast, "DateTime")),
});

export const scalarResolvers = { NhsNumber: NhsNumberScalar, Date: DateScalar, DateTime: DateTimeScalar };
