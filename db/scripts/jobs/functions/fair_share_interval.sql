-- The distance between two places of one org in the line. Every org's backlog is spread at the same
-- interval, so orgs with work are served in turn; it only matters against jobs scheduled for later,
-- whose place is their run_at.
create or replace function jobs.fair_share_interval() returns interval
    language sql immutable
    as $$ select interval '20 milliseconds' $$;
