-- Feature flags, one rule each, in the data:
-- * a feature with no flag row for the org is as its catalogue default says, both in
--   feature_access (which enforces) and in the flag list (which shows);
-- * the audit log always opens for owners, whatever an admin switched or restricted;
-- * the audit log and every counted feature are switched by owners only (an admin could otherwise
--   hide the trail from owners, or turn off a limit the billing owner pays for).
-- (plan_overview shows the billing owner's count of team workspaces to the billing owner only: 0016.)

alter table organizations.features add column owners_always_pass boolean not null default false;
alter table organizations.features add column owner_switch_only boolean not null default false;
update organizations.features set owners_always_pass = true, owner_switch_only = true where key = 'platform:audit_log';
update organizations.features set owner_switch_only = true where is_counted;

create or replace function organizations.feature_access(p_feature_key text)
    returns table (plan_key text, plan_enabled boolean, limit_value bigint, flag_enabled boolean, allowed_roles text[], member_role text)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_role text;
    v_plan text;
begin
    -- A member in a request, or the org's job (0010); nothing for anyone else.
    if v_org is null or not (v_org = any (members.member_org_ids())) then
        return;
    end if;
    v_role := members.member_role(v_org);
    v_plan := organizations.org_plan(v_org);
    return query
    select v_plan, coalesce(l.enabled, false), l.limit_value,
           case when ft.owners_always_pass and v_role = 'owner' then true else coalesce(f.enabled, ft.default_enabled, true) end,
           case when ft.owners_always_pass and v_role = 'owner' then null else f.allowed_roles end,
           v_role
      from (select p_feature_key as key) k
      left join organizations.features ft on ft.key = k.key
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = k.key
      left join organizations.feature_flags f on f.org_id = v_org and f.feature_key = k.key;
end $$;

create function organizations.is_owner_switch_only(p_feature_key text) returns boolean
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$ select coalesce((select f.owner_switch_only from organizations.features f where f.key = p_feature_key), false) $$;

create function members.owner_org_ids() returns uuid[]
    language plpgsql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ begin return members.caller_org_ids(array['owner']); end $$;

drop policy feature_flags_admin_insert on organizations.feature_flags;
drop policy feature_flags_admin_update on organizations.feature_flags;
create policy feature_flags_admin_insert on organizations.feature_flags for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
                and (not organizations.is_owner_switch_only(feature_key) or org_id = any ((select members.owner_org_ids())::uuid[])));
create policy feature_flags_admin_update on organizations.feature_flags for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
           and (not organizations.is_owner_switch_only(feature_key) or org_id = any ((select members.owner_org_ids())::uuid[])))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
                and (not organizations.is_owner_switch_only(feature_key) or org_id = any ((select members.owner_org_ids())::uuid[])));

grant execute on function organizations.is_owner_switch_only(text), members.owner_org_ids() to opsdash_app;
