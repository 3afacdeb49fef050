-- Audit integrity (issue 8): a section asked for but not shown because its source failed is its own
-- outcome, never ALLOWED; and the store refuses an event whose resident is not a valid NHS number,
-- whatever the code above it does.
ALTER TYPE "usage"."AccessOutcome" ADD VALUE IF NOT EXISTS 'UNAVAILABLE';

-- Modulus 11 (weights 10..2 over the first nine digits; 11 -> 0; 10 -> never valid), the same rule
-- as subgraphs/kernel/nhs-number.ts.
CREATE OR REPLACE FUNCTION "usage"."is_valid_nhs_number"(n TEXT) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN n !~ '^[0-9]{10}$' THEN false ELSE (
    SELECT CASE (11 - sum(substr(n, i, 1)::int * (11 - i)) % 11)
             WHEN 11 THEN substr(n, 10, 1)::int = 0
             WHEN 10 THEN false
             ELSE substr(n, 10, 1)::int = 11 - sum(substr(n, i, 1)::int * (11 - i)) % 11 END
      FROM generate_series(1, 9) AS i)
  END
$$;

ALTER TABLE "usage"."access_event"
  ADD CONSTRAINT "access_event_nhs_number_valid" CHECK ("nhs_number" IS NULL OR "usage"."is_valid_nhs_number"("nhs_number"));
