// Response names the gateway adds to a client's document to read what the audit needs, and that no
// client document may use (ReservedNamesRule, ADR 0004).
export const RESERVED_PREFIX = "_carerecord";

/** Alias under which the gateway asks for every Resident's key, so events can name the resident. */
export const AUDIT_KEY_ALIAS = `${RESERVED_PREFIX}AuditKey`;

/** Aliases under which it asks for every section wrapper's status and refusal code (ADR 0005), whatever the client selected. */
export const SECTION_STATUS_ALIAS = `${RESERVED_PREFIX}SectionStatus`;
export const SECTION_REFUSAL_ALIAS = `${RESERVED_PREFIX}SectionRefusal`;
