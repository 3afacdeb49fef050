-- Client assertion ids already used (RFC 7523: a jti is accepted once per client until the
-- assertion expires). Rows past expires_at are deleted by the replay store as it goes.
CREATE SCHEMA IF NOT EXISTS "ingest";

CREATE TABLE "ingest"."assertion_jti" (
    "client_id" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("client_id", "jti")
);

CREATE INDEX "assertion_jti_expires_at_idx" ON "ingest"."assertion_jti" ("expires_at");
