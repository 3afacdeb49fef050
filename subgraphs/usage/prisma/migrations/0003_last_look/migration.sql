-- "What's new since I last looked" (ADR 0006). A user's last look at a section of a resident is
-- derived from the audit, never kept by a second writer that could disagree with it:
-- - an ALLOWED access event is a view of the section (the gateway recorded it being shown);
-- - an ACKNOWLEDGED event is the user marking the section's changes seen (markSeen), up to seen_up_to.
-- last_look is a rollup of those two, maintained by a statement trigger in the same transaction as
-- the insert (like usage_daily), so reading a last look is one primary-key probe, not a scan of the
-- user's events.
ALTER TYPE "usage"."AccessOutcome" ADD VALUE IF NOT EXISTS 'ACKNOWLEDGED';

ALTER TABLE "usage"."access_event" ADD COLUMN "seen_up_to" TIMESTAMPTZ(3);
-- Marking seen cannot reach past the moment it was recorded. (The new enum value cannot be named in
-- a constraint in the transaction that adds it; the writer sets seen_up_to on ACKNOWLEDGED only.)
ALTER TABLE "usage"."access_event"
  ADD CONSTRAINT "access_event_seen_up_to_past" CHECK ("seen_up_to" IS NULL OR "seen_up_to" <= "occurred_at");

CREATE TABLE "usage"."last_look" (
    "user_id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "section" TEXT NOT NULL,
    -- The latest ALLOWED event: when the section was last shown to the user.
    "viewed_at" TIMESTAMPTZ(3),
    -- The latest seen_up_to of an ACKNOWLEDGED event.
    "acknowledged_up_to" TIMESTAMPTZ(3),

    CONSTRAINT "last_look_pkey" PRIMARY KEY ("user_id", "nhs_number", "section")
);

-- Rows in key order, so two batches touching the same looks lock them in the same order (no deadlock).
-- GREATEST ignores NULLs: a view never lowers an acknowledgement, nor the reverse.
CREATE FUNCTION "usage".roll_up_last_looks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "usage"."last_look" (user_id, nhs_number, section, viewed_at, acknowledged_up_to)
    SELECT user_id, nhs_number, section,
           max(occurred_at) FILTER (WHERE outcome::text = 'ALLOWED'),
           max(seen_up_to) FILTER (WHERE outcome::text = 'ACKNOWLEDGED')
      FROM new_events
     WHERE nhs_number IS NOT NULL AND outcome::text IN ('ALLOWED', 'ACKNOWLEDGED')
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (user_id, nhs_number, section) DO UPDATE
    SET viewed_at = GREATEST("usage"."last_look".viewed_at, EXCLUDED.viewed_at),
        acknowledged_up_to = GREATEST("usage"."last_look".acknowledged_up_to, EXCLUDED.acknowledged_up_to);
  RETURN NULL;
END $$;
CREATE TRIGGER access_event_last_look AFTER INSERT ON "usage"."access_event"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "usage".roll_up_last_looks();

-- The views recorded before this migration are last looks too.
INSERT INTO "usage"."last_look" (user_id, nhs_number, section, viewed_at)
  SELECT user_id, nhs_number, section, max(occurred_at)
    FROM "usage"."access_event"
   WHERE nhs_number IS NOT NULL AND outcome::text = 'ALLOWED'
   GROUP BY 1, 2, 3;

-- Client idempotency keys of markSeen (platform/db/idempotency.ts), written in the same transaction
-- as the acknowledgements they stand for.
CREATE TABLE "usage"."idempotency_key" (
    "user_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "result_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("user_id", "key")
);
