// One pino logger for every part. Clinical content is never logged: request bodies, variables and
// resolver values are not passed to it, and the redact list is a second line of defence for
// identifiers that might slip into a structured field.
import { pino } from "pino";
import { env } from "./env.js";

export const logger = pino({
  level: env().LOG_LEVEL,
  base: { service: "carerecord" },
  redact: {
    paths: ["*.nhsNumber", "*.variables", "*.authorization", "req.headers.authorization", "*.dateOfBirth", "*.givenName", "*.familyName"],
    censor: "[redacted]",
  },
});
