import { DateScalar } from "../../kernel/scalars.js";
import { QueryResolvers, UsageReportResolvers } from "./report.js";

export const resolvers = { Date: DateScalar, Query: QueryResolvers, UsageReport: UsageReportResolvers };
