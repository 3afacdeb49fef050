-- The daily roll-ups take their rows' locks in key order, as last_look's already do (0003).
-- Before, the rows came out of a hash aggregation in an order that depends on which keys a batch
-- holds, so two audit batches touching an overlapping set of (day, section, org, outcome, purpose)
-- rows could each hold one the other needed: a deadlock, resolved only after deadlock_timeout
-- (1 s) by failing one batch, whose requests then waited for the writer's retry. Under load a chain
-- of these held requests past their deadline (test/audit-rollup-concurrency.test.ts).
-- Triggers on one table fire in name order (access_event_last_look, then access_event_roll_up),
-- so every batch also takes the three roll-up tables in the same order.
CREATE OR REPLACE FUNCTION "usage".roll_up_access_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "usage"."usage_daily" (day, section, org_code, org_type, outcome, purpose, events)
    SELECT (occurred_at AT TIME ZONE 'Europe/London')::date, section, org_code, org_type, outcome, purpose, count(*)
      FROM new_events GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (day, section, org_code, org_type, outcome, purpose)
    DO UPDATE SET events = "usage"."usage_daily".events + EXCLUDED.events;
  INSERT INTO "usage"."usage_user_daily" (day, user_id, org_code, org_type)
    SELECT DISTINCT (occurred_at AT TIME ZONE 'Europe/London')::date, user_id, org_code, org_type FROM new_events
     ORDER BY 1, 2, 3, 4
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
