-- Whether p_user's plan takes one more team workspace, under the lock create_team_org takes (their
-- personal org row). OD402 otherwise.
create or replace function organizations.check_team_capacity(p_user uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    personal_id uuid;
    cap bigint;
    used bigint;
begin
    select o.id into personal_id from organizations.organizations o
     where o.billing_owner_user_id = p_user and o.type = 'personal' for update;
    select l.limit_value into cap from organizations.plan_limits l
     where l.plan_key = organizations.plan_of_personal_org(personal_id) and l.feature_key = 'orgs:team';
    select count(*) into used from organizations.organizations o
     where o.billing_owner_user_id = p_user and o.type = 'team' and o.deleted_at is null;
    if cap is not null and used + 1 > cap then
        raise exception 'The new billing owner''s plan allows % team workspace(s).', cap
            using errcode = 'OD402', hint = 'orgs:team;' || cap;
    end if;
end $$;
