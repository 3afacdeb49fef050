/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/**
 * The parts of a resident's record an access event is about: the sections of docs/access-policy.md, and RECORD for
 * a resident look-up refused as a whole.
 */
export type AccessSection =
  /** Allergies and adverse reactions. */
  | 'ALLERGIES'
  /** The current approved care plan. */
  | 'CARE_PLAN'
  /** Every version of the care plan: drafts, submitted, approved and superseded. */
  | 'CARE_PLAN_HISTORY'
  /** Conditions and problems. */
  | 'CONDITIONS'
  /** Name, date of birth, sex, GP practice, current placement and sharing objection. */
  | 'DEMOGRAPHICS'
  /** Laboratory reports and their results. */
  | 'DIAGNOSTIC_REPORTS'
  /** Hospital discharge summaries. */
  | 'DISCHARGE_SUMMARIES'
  /** Emergency department attendances and ambulance calls. */
  | 'EMERGENCY_CARE'
  /** Hospital stays, including one in progress. */
  | 'HOSPITAL_STAYS'
  /** Medicines prescribed and their dispensing status. */
  | 'MEDICATIONS'
  /** Care home placements, current and past. */
  | 'PLACEMENTS'
  /** A look-up of the resident as a whole, refused before any section was read (e.g. no care relationship). */
  | 'RECORD'
  /** A section name the care record does not know (recorded by an older or newer version); not expected. */
  | 'UNKNOWN';

/** Worst likely outcome of a future exposure (FHIR AllergyIntolerance.criticality). */
export type AllergyCriticality =
  /** A future reaction could be life-threatening or cause organ failure. */
  | 'HIGH'
  /** A future reaction is not expected to be life-threatening. */
  | 'LOW'
  /** The risk of a future reaction could not be assessed; do not read it as low. */
  | 'UNABLE_TO_ASSESS';

/**
 * Conditions on a care home's resident list, all optional and combined with AND. Conditions on data
 * other subgraphs own (a hospital stay in progress, a care plan review due) are not offered: see
 * CareHome.residents.
 */
export type CareHomeResidentsFilter = {
  /**
   * Only residents whose given name, family name or "given family" contains this text, ignoring case.
   * Trimmed first; then 2 to 50 characters (BAD_USER_INPUT otherwise). % and _ match only themselves.
   */
  nameContains?: string | null | undefined;
  /** Which placements at this home count; CURRENT (placed here today) when omitted or null. */
  placement?: CareHomeResidentsPlacement | null | undefined;
};

/** How a care home's resident list is sorted. Ties are broken by NHS number, so every order is total and paging is stable. */
export type CareHomeResidentsOrder =
  /**
   * By the start of the resident's placement at this home, most recent admission first, then NHS number.
   * For a recent leaver, the placement that ended.
   */
  | 'ADMITTED_NEWEST_FIRST'
  /** By family name, then given name, A to Z ignoring case, then NHS number. */
  | 'FAMILY_NAME'
  /** By NHS number, ascending. */
  | 'NHS_NUMBER';

/** Which of a home's residents a list covers, by their placement at the home (docs/access-policy.md, the leaver window). */
export type CareHomeResidentsPlacement =
  /** Placed here today (the day a resident leaves still counts). */
  | 'CURRENT'
  /** Both: placed here today, or left within the leaver window. */
  | 'CURRENT_AND_RECENT_LEAVERS'
  /**
   * Left within the leaver window and not placed here again: a resident who left on day D is listed up to
   * and including D + 7 (UTC days), the days the home's staff may still read the record to hand over.
   */
  | 'RECENT_LEAVERS';

/** Where a care plan version is in its lifecycle. */
export type CarePlanStatus =
  /** Approved by the resident's GP: the plan in force, at most one per resident, and the one urgent care sees. */
  | 'APPROVED'
  /** Started in the source system and not yet submitted; not shown to urgent care. */
  | 'DRAFT'
  /** The care home's questionnaire is in; waiting for the GP's clinical detail and approval. Not shown to urgent care. */
  | 'SUBMITTED'
  /** Was approved, then replaced when a newer version was approved; kept as history. */
  | 'SUPERSEDED';

/** The most intensive treatment a resident should be escalated to if they become unwell (the ceiling of treatment). */
export type CeilingOfTreatment =
  /** Treatment for comfort and symptom control only. */
  | 'COMFORT_CARE_ONLY'
  /** All appropriate treatment, including admission to hospital and intensive care. */
  | 'FULL_ESCALATION'
  /** No ceiling recorded in this plan. */
  | 'NOT_STATED'
  /** Hospital admission for ward-based treatment, but not intensive care. */
  | 'WARD_BASED_CARE';

/** A decision about attempting cardiopulmonary resuscitation (CPR) if the heart or breathing stops. */
export type CprDecision =
  /** Do not attempt CPR (DNACPR); other treatment is not withheld by this alone. */
  | 'DNACPR'
  /** CPR is to be attempted. */
  | 'FOR_CPR'
  /** No decision is recorded in this plan; this does not mean FOR_CPR. */
  | 'NOT_RECORDED';

/** NHS Electronic Prescription Service business status. */
export type EpsPrescriptionStatus =
  /** Cancelled by the prescriber: it cannot be dispensed. */
  | 'CANCELLED'
  /** Dispensed, and the pharmacy has claimed payment for it: the process is finished. */
  | 'CLAIMED'
  /** The pharmacy has supplied everything on it. */
  | 'DISPENSED'
  /** Its validity period ran out before it was dispensed in full: what is left cannot be dispensed, and a new prescription is needed. */
  | 'EXPIRED'
  /** The pharmacy has marked it as not dispensed, e.g. not needed or unavailable: the medicine was not supplied on this prescription. */
  | 'NOT_DISPENSED'
  /** Signed and waiting on the EPS Spine for a pharmacy to download it: no pharmacy has it yet. */
  | 'TO_BE_DISPENSED'
  /** A pharmacy has downloaded it and is preparing it; nothing has been supplied yet. */
  | 'WITH_DISPENSER'
  /** A pharmacy has supplied part of it; the rest is still to come (owed). */
  | 'WITH_DISPENSER_ACTIVE';

/** Why markSeen marked nothing. */
export type MarkSeenUserErrorCode =
  /** seenUpTo is in the future. */
  | 'INVALID_INPUT';

/** The state of a prescription (FHIR MedicationRequest.status). ACTIVE and ON_HOLD make up the current medicines list. */
export type MedicationRequestStatus =
  /** Current: to be given as prescribed. Part of the current medicines list. */
  | 'ACTIVE'
  /** Withdrawn before any of it was given. */
  | 'CANCELLED'
  /** The course is finished, e.g. a completed course of antibiotics. */
  | 'COMPLETED'
  /** Not yet authorised by the prescriber: not to be acted on. */
  | 'DRAFT'
  /** Recorded in error: disregard it. */
  | 'ENTERED_IN_ERROR'
  /** Paused by the prescriber, e.g. withheld during an illness: do not give until it is restarted. Part of the current medicines list. */
  | 'ON_HOLD'
  /** Stopped by the prescriber after it had started: no longer to be given. */
  | 'STOPPED'
  /** The source system does not know the state. */
  | 'UNKNOWN';

/**
 * What a section of a resident's record holds, so that "nothing recorded", "none, as the source
 * states it", "not shown to you" and "its source is down" never look alike (ADR 0005; FHIR
 * List.emptyReason). `items` carries entries only for PRESENT and NONE_KNOWN (then empty).
 */
export type SectionStatus =
  /** The source states there are none (e.g. a coded "no known allergies"; FHIR emptyReason nilknown): `items` is empty. */
  | 'NONE_KNOWN'
  /** Nothing is recorded and nothing is asserted: unknown, not "none" (FHIR emptyReason notasked). `items` is empty. */
  | 'NOT_RECORDED'
  /** There are entries: `items` lists them. */
  | 'PRESENT'
  /** Withheld from you by the access policy (FHIR emptyReason withheld): `refusal` says why; `items` is null with the same code as its error. */
  | 'REFUSED'
  /** The source system did not answer (FHIR emptyReason unavailable): `outage` says which and since when; `items` is null with SOURCE_UNAVAILABLE or SERVICE_UNAVAILABLE as its error. */
  | 'UNAVAILABLE';

/** Whether a section has something the caller has not seen. */
export type UnseenStatus =
  /** There are changes the caller has not seen: `changes` lists them. */
  | 'NEW'
  /** The section's source did not answer: whether anything is new is unknown. Retry; do not show it as up to date. */
  | 'UNAVAILABLE'
  /** The caller has seen every change received in the last 30 days (or there were none). */
  | 'UP_TO_DATE';

/** The kinds of organisation users act for (the org_type claim of their login token). */
export type UsageOrgType =
  /** An ambulance service. */
  | 'AMBULANCE_SERVICE'
  /** A care home (residential or nursing). */
  | 'CARE_HOME'
  /** A hospital emergency department. */
  | 'EMERGENCY_DEPARTMENT'
  /** A GP practice. */
  | 'GP_PRACTICE'
  /** An integrated care board (analysts); its users see counts, not records, so its events are refusals. */
  | 'INTEGRATED_CARE_BOARD'
  /** NHS 111. */
  | 'NHS111'
  /** A GP out-of-hours service. */
  | 'OUT_OF_HOURS'
  /** The care record's operator (privacy officers, administrators); its users see the audit, not records, so its events are refusals. */
  | 'RECORD_OPERATOR'
  /**
   * A type the care record does not know (recorded by an older or newer version, or another writer); not expected. As a filter: every
   * such type.
   */
  | 'UNKNOWN';

export type CareHomeDashboardQueryVariables = Exact<{
  careHomeId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  filter?: CareHomeResidentsFilter | null | undefined;
  orderBy?: CareHomeResidentsOrder | null | undefined;
}>;


export type CareHomeDashboardQuery = { careHome: { id: string, name: string, unseen: { residentsWithNew: number, residentsWithAbnormal: number, residentsIncomplete: number, sections: Array<{ section: AccessSection, residents: number, changes: number, abnormal: number, unavailable: number }> } | null, residents: { totalCount: number, pageInfo: { hasPreviousPage: boolean, hasNextPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ node: { nhsNumber: string, name: { given: string, family: string } | null, unseen: { count: number, since: string | null, newestAt: string | null, abnormal: boolean, incomplete: boolean, sections: Array<{ section: AccessSection, status: UnseenStatus, count: number | null }> } | null, currentHospitalStay: { status: SectionStatus, item: { admittedAt: string, hospital: { name: string } } | null } | null, allergies: { status: SectionStatus, items: Array<{ display: string, criticality: AllergyCriticality }> | null } | null, medications: { status: SectionStatus, items: Array<{ id: string, status: MedicationRequestStatus, medication: { display: string }, dispensing: { epsStatus: EpsPrescriptionStatus, lastStatusChangeAt: string } | null }> | null } | null, diagnosticReports: { status: SectionStatus, page: { edges: Array<{ node: { id: string, issuedAt: string, display: string } }> } | null } | null } }> } | null } | null };

export type GpResidentQueryVariables = Exact<{
  nhsNumber: string;
}>;


export type GpResidentQuery = { resident: { nhsNumber: string, name: { given: string, family: string } | null, conditions: { status: SectionStatus, items: Array<{ display: string }> | null } | null, carePlanHistory: { status: SectionStatus, items: Array<{ id: string, version: number, status: CarePlanStatus }> | null } | null, dischargeSummaries: { status: SectionStatus, page: { edges: Array<{ node: { id: string, dischargedAt: string } }> } | null } | null } | null };

export type MarkSeenMutationVariables = Exact<{
  nhsNumber: string;
  sections?: Array<AccessSection> | AccessSection | null | undefined;
  seenUpTo?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
}>;


export type MarkSeenMutation = { markSeen: { markedAt: string | null, unseen: { count: number, incomplete: boolean, sections: Array<{ section: AccessSection, status: UnseenStatus, count: number | null }> } | null, userErrors: Array<{ code: MarkSeenUserErrorCode, message: string, field: Array<string> | null }> } | null };

export type UrgentCareLookupQueryVariables = Exact<{
  nhsNumber: string;
}>;


export type UrgentCareLookupQuery = { resident: { nhsNumber: string, name: { family: string } | null, allergies: { status: SectionStatus, items: Array<{ display: string, criticality: AllergyCriticality }> | null } | null, medications: { status: SectionStatus, items: Array<{ dosageText: string, medication: { display: string } }> | null } | null, carePlan: { status: SectionStatus, item: { ceilingOfTreatment: CeilingOfTreatment, emergencyPlan: string | null, cpr: { decision: CprDecision } } | null } | null } | null };

export type UsageReportQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type UsageReportQuery = { usage: { totalViews: number, uniqueUsers: number, mostViewedSections: Array<{ key: AccessSection, views: number }>, viewsByOrgType: Array<{ key: UsageOrgType, views: number }> } | null };


export const CareHomeDashboardDocument = {"__meta__":{"hash":"sha256:b6ae435723cf09fee75640d6029cedc15d0fceb558fc66da2819e3ede0e9d68a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CareHomeDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"careHomeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CareHomeResidentsFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CareHomeResidentsOrder"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"careHome"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"careHomeId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"unseen"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"residentsWithNew"}},{"kind":"Field","name":{"kind":"Name","value":"residentsWithAbnormal"}},{"kind":"Field","name":{"kind":"Name","value":"residentsIncomplete"}},{"kind":"Field","name":{"kind":"Name","value":"sections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"residents"}},{"kind":"Field","name":{"kind":"Name","value":"changes"}},{"kind":"Field","name":{"kind":"Name","value":"abnormal"}},{"kind":"Field","name":{"kind":"Name","value":"unavailable"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"residents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nhsNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"given"}},{"kind":"Field","name":{"kind":"Name","value":"family"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unseen"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"newestAt"}},{"kind":"Field","name":{"kind":"Name","value":"abnormal"}},{"kind":"Field","name":{"kind":"Name","value":"incomplete"}},{"kind":"Field","name":{"kind":"Name","value":"sections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"currentHospitalStay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"item"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"admittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"hospital"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"allergies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"display"}},{"kind":"Field","name":{"kind":"Name","value":"criticality"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"medications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"medication"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"display"}}]}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"dispensing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"epsStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatusChangeAt"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"diagnosticReports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}},{"kind":"Argument","name":{"kind":"Name","value":"abnormalOnly"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"page"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"issuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"display"}}]}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CareHomeDashboardQuery, CareHomeDashboardQueryVariables>;
export const GpResidentDocument = {"__meta__":{"hash":"sha256:492e0cf3356926b64db532352197d3de0049687e77d2cc443ad7904e179f9d8a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GpResident"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nhsNumber"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"NhsNumber"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resident"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nhsNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nhsNumber"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nhsNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"given"}},{"kind":"Field","name":{"kind":"Name","value":"family"}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"display"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"carePlanHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"dischargeSummaries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"page"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dischargedAt"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<GpResidentQuery, GpResidentQueryVariables>;
export const MarkSeenDocument = {"__meta__":{"hash":"sha256:4f70e7663a3c40627e94fd31453871841fef1dfd68df2cb2eb7c57c7cbe7d1b2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkSeen"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nhsNumber"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"NhsNumber"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sections"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AccessSection"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"seenUpTo"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markSeen"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"nhsNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nhsNumber"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"sections"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sections"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"seenUpTo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"seenUpTo"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markedAt"}},{"kind":"Field","name":{"kind":"Name","value":"unseen"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"incomplete"}},{"kind":"Field","name":{"kind":"Name","value":"sections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<MarkSeenMutation, MarkSeenMutationVariables>;
export const UrgentCareLookupDocument = {"__meta__":{"hash":"sha256:59e24b07fb2e42558b75a0d5450029a4ee76d5c98f4a8e2aa3ce5abde80d2f31"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UrgentCareLookup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nhsNumber"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"NhsNumber"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resident"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nhsNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nhsNumber"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nhsNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"family"}}]}},{"kind":"Field","name":{"kind":"Name","value":"allergies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"display"}},{"kind":"Field","name":{"kind":"Name","value":"criticality"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"medications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"medication"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"display"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dosageText"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"carePlan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"item"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cpr"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decision"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ceilingOfTreatment"}},{"kind":"Field","name":{"kind":"Name","value":"emergencyPlan"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UrgentCareLookupQuery, UrgentCareLookupQueryVariables>;
export const UsageReportDocument = {"__meta__":{"hash":"sha256:86f873bdd79f0a18a45c59c3c258547435ff0b4b758002161506e54b35a41532"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsageReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"usage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalViews"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueUsers"}},{"kind":"Field","name":{"kind":"Name","value":"mostViewedSections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"views"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewsByOrgType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"views"}}]}}]}}]}}]} as unknown as DocumentNode<UsageReportQuery, UsageReportQueryVariables>;