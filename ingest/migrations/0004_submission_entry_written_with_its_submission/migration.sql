-- A submission's entries are written in the same statement as the submission itself
-- (platform/ingest/log.ts logSubmission: the entries' submission_id is the id the INSERT into
-- "submission" returned), so an entry without its submission cannot be written. The foreign key
-- that checked it again, row by row, locked the submission's row once per entry (FOR KEY SHARE)
-- on the front door's path and cost a fifth of the sustained feed's throughput (bench/INGESTION.md:
-- 2,000-2,270 -> 2,470-2,770 applied entries/s). Submissions are never deleted.
ALTER TABLE "ingest"."submission_entry" DROP CONSTRAINT "submission_entry_submission_id_fkey";
