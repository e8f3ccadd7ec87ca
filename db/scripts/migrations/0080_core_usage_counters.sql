-- The registry of usage counts (issue 20): each module that counts rows against a plan limit lists its
-- <schema>.usage_counts(org) here from its own re-appliable file, and organizations.feature_usage(org)
-- runs every registered one, so no file names another module's count (the plan_overview copies are gone).
create table core.usage_counters (
    function_name text not null,
    constraint pk_usage_counters primary key (function_name),
    constraint ck_usage_counters_function_name check (function_name ~ '^[a-z_]+\.usage_counts$')
);
alter table core.usage_counters enable row level security;
alter table core.usage_counters force row level security;
