// Every clinical row carries where it came from and how fresh it is; this maps the shared columns
// to the shared GraphQL `Provenance` type.
export interface ProvenanceColumns {
  sourceSystem: string;
  recordedAt: Date;
  updatedAt: Date;
}

export const provenanceOf = (row: ProvenanceColumns) => ({
  sourceSystem: row.sourceSystem,
  recordedAt: row.recordedAt,
  lastUpdatedAt: row.updatedAt,
});

/** Resolver map entry for any type that exposes `provenance`. */
export const provenanceField = { provenance: provenanceOf };
