-- Usage subgraph: append-only access events and daily rollups.
CREATE TYPE "usage"."AccessPurpose" AS ENUM ('NORMAL', 'BREAK_GLASS');
CREATE TYPE "usage"."AccessOutcome" AS ENUM ('ALLOWED', 'DENIED');

CREATE TABLE "usage"."access_event" (
    "id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "user_id" TEXT NOT NULL,
    "user_role" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "org_type" TEXT NOT NULL,
    "nhs_number" CHAR(10),
    "section" TEXT NOT NULL,
    "purpose" "usage"."AccessPurpose" NOT NULL,
    "break_glass_reason" TEXT,
    "operation_hash" TEXT NOT NULL,
    "outcome" "usage"."AccessOutcome" NOT NULL,
    "denial_code" TEXT,
    CONSTRAINT "access_event_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "access_event_nhs_number_occurred_at_idx" ON "usage"."access_event"("nhs_number", "occurred_at");
CREATE INDEX "access_event_user_id_occurred_at_idx" ON "usage"."access_event"("user_id", "occurred_at");
CREATE INDEX "access_event_occurred_at_idx" ON "usage"."access_event"("occurred_at");

CREATE TABLE "usage"."usage_daily" (
    "day" DATE NOT NULL,
    "section" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "org_type" TEXT NOT NULL,
    "outcome" "usage"."AccessOutcome" NOT NULL,
    "purpose" "usage"."AccessPurpose" NOT NULL,
    "events" BIGINT NOT NULL,
    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("day", "section", "org_code", "org_type", "outcome", "purpose")
);
CREATE INDEX "usage_daily_org_type_day_idx" ON "usage"."usage_daily"("org_type", "day");

CREATE TABLE "usage"."usage_user_daily" (
    "day" DATE NOT NULL,
    "user_id" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "org_type" TEXT NOT NULL,
    CONSTRAINT "usage_user_daily_pkey" PRIMARY KEY ("day", "user_id", "org_code")
);

-- The audit trail is append-only, enforced here rather than by convention: any UPDATE, DELETE or
-- TRUNCATE fails, whoever runs it.
CREATE FUNCTION "usage".refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER access_event_no_update BEFORE UPDATE OR DELETE ON "usage"."access_event"
  FOR EACH ROW EXECUTE FUNCTION "usage".refuse_audit_change();
CREATE TRIGGER access_event_no_truncate BEFORE TRUNCATE ON "usage"."access_event"
  FOR EACH STATEMENT EXECUTE FUNCTION "usage".refuse_audit_change();

-- Rollups maintained in the same transaction as the insert, one statement per batch.
CREATE FUNCTION "usage".roll_up_access_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "usage"."usage_daily" (day, section, org_code, org_type, outcome, purpose, events)
    SELECT (occurred_at AT TIME ZONE 'Europe/London')::date, section, org_code, org_type, outcome, purpose, count(*)
      FROM new_events GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (day, section, org_code, org_type, outcome, purpose)
    DO UPDATE SET events = "usage"."usage_daily".events + EXCLUDED.events;
  INSERT INTO "usage"."usage_user_daily" (day, user_id, org_code, org_type)
    SELECT DISTINCT (occurred_at AT TIME ZONE 'Europe/London')::date, user_id, org_code, org_type FROM new_events
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER access_event_roll_up AFTER INSERT ON "usage"."access_event"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "usage".roll_up_access_events();
