-- crm: the generated data of `./run.sh seed` (src/Host/Setup/SeedCommand.cs), rewritten for speed:
-- companies, contacts, deals and (for the demo) activities, each a function SeedCommand calls as a step.
-- Owner role only, set-based and deterministic as in 0044: row n of a kind always has the same id and
-- values, so seeding again adds only what is missing. Deals go through crm.deals' triggers like any
-- other (live links, status from the stage, a first stage-history row).
--
-- Speed (issue 9: 1,000,000 contacts, 50,000 companies and 200,000 deals in under a minute). 0044 took
-- minutes for the contacts on a 2-core machine, nearly all of it in 11 index insertions per row at
-- random places (md5 ids, random names), and the deals did not finish in 8 minutes: the foreign-key
-- checks and triggers plan their lookups once, and on the statistics of tables filled moments before
-- in the same transaction ("empty") they chose sequential scans, one per row. So now: seed ids are
-- sequential per org and kind (the btrees grow at their right edge); contacts go in in name order (the
-- name, last-name and email indexes are appended to as well); each step commits and SeedCommand
-- analyzes its table before the next step reads it; contacts and deals go in as parallel parts, one per
-- core (part p of P takes the rows n with n % P = p). Ids of orgs seeded before 0049 differ: seeding
-- such an org again adds a second set of companies (contacts are unique by email, not duplicated).
create or replace function crm.seed_id(p_org uuid, p_kind text, p_n integer) returns uuid
    language sql immutable
    set search_path = pg_catalog, pg_temp
    as $$ select (left(md5(p_org::text || p_kind), 16) || lpad(to_hex(p_n), 16, '0'))::uuid $$;
