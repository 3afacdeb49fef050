// The Hive gateway engine's own logger, written through the project's pino logger: left to its
// default the engine prints failed subgraph calls with their whole request (query and variables,
// so NHS numbers) as multi-line coloured text. Attributes go through scrubLogValue, which drops
// request-shaped keys and masks NHS-number-shaped digits.
import { Logger, type LogLevel } from "@graphql-hive/gateway-runtime";
import { logger, scrubLogValue } from "../platform/observability/logger.js";

export function engineLogger(level: LogLevel): Logger {
  const engine = logger.child({ component: "gateway-engine" });
  return new Logger({
    level,
    writers: [
      {
        write(lvl, attrs, msg) {
          engine[lvl](attrs === null || attrs === undefined ? {} : { engine: scrubLogValue(attrs) }, msg ?? "");
        },
      },
    ],
  });
}
