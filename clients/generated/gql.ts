/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query CareHomeDashboard($careHomeId: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: CareHomeResidentsFilter, $orderBy: CareHomeResidentsOrder) {\n  careHome(id: $careHomeId) {\n    id\n    name\n    residents(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n    ) {\n      totalCount\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          nhsNumber\n          name {\n            given\n            family\n          }\n          currentHospitalStay {\n            admittedAt\n            hospital {\n              name\n            }\n          }\n          allergies {\n            display\n            criticality\n          }\n          medications {\n            id\n            medication {\n              display\n            }\n            status\n            dispensing {\n              epsStatus\n              lastStatusChangeAt\n            }\n          }\n          diagnosticReports(first: 3, abnormalOnly: true) {\n            edges {\n              node {\n                id\n                issuedAt\n                display\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}": typeof types.CareHomeDashboardDocument,
    "query GpResident($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      given\n      family\n    }\n    conditions {\n      display\n    }\n    carePlanHistory {\n      id\n      version\n      status\n    }\n    dischargeSummaries(first: 5) {\n      edges {\n        node {\n          id\n          dischargedAt\n        }\n      }\n    }\n  }\n}": typeof types.GpResidentDocument,
    "query UrgentCareLookup($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      family\n    }\n    allergies {\n      display\n      criticality\n    }\n    medications {\n      medication {\n        display\n      }\n      dosageText\n    }\n    carePlan {\n      cpr {\n        decision\n      }\n      ceilingOfTreatment\n      emergencyPlan\n    }\n  }\n}": typeof types.UrgentCareLookupDocument,
    "query UsageReport($from: Date!, $to: Date!) {\n  usage(filter: {from: $from, to: $to}) {\n    totalViews\n    uniqueUsers\n    mostViewedSections {\n      key\n      views\n    }\n    viewsByOrgType {\n      key\n      views\n    }\n  }\n}": typeof types.UsageReportDocument,
};
const documents: Documents = {
    "query CareHomeDashboard($careHomeId: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: CareHomeResidentsFilter, $orderBy: CareHomeResidentsOrder) {\n  careHome(id: $careHomeId) {\n    id\n    name\n    residents(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n    ) {\n      totalCount\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          nhsNumber\n          name {\n            given\n            family\n          }\n          currentHospitalStay {\n            admittedAt\n            hospital {\n              name\n            }\n          }\n          allergies {\n            display\n            criticality\n          }\n          medications {\n            id\n            medication {\n              display\n            }\n            status\n            dispensing {\n              epsStatus\n              lastStatusChangeAt\n            }\n          }\n          diagnosticReports(first: 3, abnormalOnly: true) {\n            edges {\n              node {\n                id\n                issuedAt\n                display\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}": types.CareHomeDashboardDocument,
    "query GpResident($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      given\n      family\n    }\n    conditions {\n      display\n    }\n    carePlanHistory {\n      id\n      version\n      status\n    }\n    dischargeSummaries(first: 5) {\n      edges {\n        node {\n          id\n          dischargedAt\n        }\n      }\n    }\n  }\n}": types.GpResidentDocument,
    "query UrgentCareLookup($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      family\n    }\n    allergies {\n      display\n      criticality\n    }\n    medications {\n      medication {\n        display\n      }\n      dosageText\n    }\n    carePlan {\n      cpr {\n        decision\n      }\n      ceilingOfTreatment\n      emergencyPlan\n    }\n  }\n}": types.UrgentCareLookupDocument,
    "query UsageReport($from: Date!, $to: Date!) {\n  usage(filter: {from: $from, to: $to}) {\n    totalViews\n    uniqueUsers\n    mostViewedSections {\n      key\n      views\n    }\n    viewsByOrgType {\n      key\n      views\n    }\n  }\n}": types.UsageReportDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CareHomeDashboard($careHomeId: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: CareHomeResidentsFilter, $orderBy: CareHomeResidentsOrder) {\n  careHome(id: $careHomeId) {\n    id\n    name\n    residents(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n    ) {\n      totalCount\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          nhsNumber\n          name {\n            given\n            family\n          }\n          currentHospitalStay {\n            admittedAt\n            hospital {\n              name\n            }\n          }\n          allergies {\n            display\n            criticality\n          }\n          medications {\n            id\n            medication {\n              display\n            }\n            status\n            dispensing {\n              epsStatus\n              lastStatusChangeAt\n            }\n          }\n          diagnosticReports(first: 3, abnormalOnly: true) {\n            edges {\n              node {\n                id\n                issuedAt\n                display\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query CareHomeDashboard($careHomeId: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: CareHomeResidentsFilter, $orderBy: CareHomeResidentsOrder) {\n  careHome(id: $careHomeId) {\n    id\n    name\n    residents(\n      first: $first\n      after: $after\n      last: $last\n      before: $before\n      filter: $filter\n      orderBy: $orderBy\n    ) {\n      totalCount\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          nhsNumber\n          name {\n            given\n            family\n          }\n          currentHospitalStay {\n            admittedAt\n            hospital {\n              name\n            }\n          }\n          allergies {\n            display\n            criticality\n          }\n          medications {\n            id\n            medication {\n              display\n            }\n            status\n            dispensing {\n              epsStatus\n              lastStatusChangeAt\n            }\n          }\n          diagnosticReports(first: 3, abnormalOnly: true) {\n            edges {\n              node {\n                id\n                issuedAt\n                display\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GpResident($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      given\n      family\n    }\n    conditions {\n      display\n    }\n    carePlanHistory {\n      id\n      version\n      status\n    }\n    dischargeSummaries(first: 5) {\n      edges {\n        node {\n          id\n          dischargedAt\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query GpResident($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      given\n      family\n    }\n    conditions {\n      display\n    }\n    carePlanHistory {\n      id\n      version\n      status\n    }\n    dischargeSummaries(first: 5) {\n      edges {\n        node {\n          id\n          dischargedAt\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UrgentCareLookup($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      family\n    }\n    allergies {\n      display\n      criticality\n    }\n    medications {\n      medication {\n        display\n      }\n      dosageText\n    }\n    carePlan {\n      cpr {\n        decision\n      }\n      ceilingOfTreatment\n      emergencyPlan\n    }\n  }\n}"): (typeof documents)["query UrgentCareLookup($nhsNumber: NhsNumber!) {\n  resident(nhsNumber: $nhsNumber) {\n    nhsNumber\n    name {\n      family\n    }\n    allergies {\n      display\n      criticality\n    }\n    medications {\n      medication {\n        display\n      }\n      dosageText\n    }\n    carePlan {\n      cpr {\n        decision\n      }\n      ceilingOfTreatment\n      emergencyPlan\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UsageReport($from: Date!, $to: Date!) {\n  usage(filter: {from: $from, to: $to}) {\n    totalViews\n    uniqueUsers\n    mostViewedSections {\n      key\n      views\n    }\n    viewsByOrgType {\n      key\n      views\n    }\n  }\n}"): (typeof documents)["query UsageReport($from: Date!, $to: Date!) {\n  usage(filter: {from: $from, to: $to}) {\n    totalViews\n    uniqueUsers\n    mostViewedSections {\n      key\n      views\n    }\n    viewsByOrgType {\n      key\n      views\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;