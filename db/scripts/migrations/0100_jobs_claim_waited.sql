-- jobs.claim also returns how long each job had been due when it was claimed (the job queue's claim delay metric,
-- ADR 0024). create or replace cannot add a column to a function's result, so the old definition goes here and
-- db/scripts/jobs/functions/claim.sql creates the new one right after the migrations.
drop function if exists jobs.claim(text, text, integer);
