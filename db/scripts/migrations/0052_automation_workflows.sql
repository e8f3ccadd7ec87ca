-- automation: workflow triggers and their ordered actions (issue 11, item 1). A trigger names an event
-- type, conditions over that event's fields ({"match": "all"|"any", "rules": [{field, operator, value}]},
-- checked against the event's contract when saved, in C#: src/Modules/Automation/Workflows/TriggerCatalog.cs;
-- a stage change filters on its fromStageId / toStageId fields). Deleting a trigger deletes its actions; disabling
-- keeps them. Admins write, members read. Counted against automation:workflows.
create table automation.workflow_triggers (
    org_id        uuid        not null,
    id            uuid        not null,
    name          text        not null constraint ck_workflow_triggers_name check (char_length(btrim(name)) between 1 and 200),
    trigger_type  text        not null constraint ck_workflow_triggers_trigger_type check (trigger_type ~ '^[a-z][a-z_]{0,62}$'),
    enabled       boolean     not null default true,
    conditions    jsonb       not null default '{"match": "all", "rules": []}'::jsonb
                  constraint ck_workflow_triggers_conditions check (jsonb_typeof(conditions) = 'object'),
    created_by    uuid,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint pk_workflow_triggers primary key (org_id, id),
    constraint fk_workflow_triggers_org_id foreign key (org_id) references organizations.organizations (id)
);
create trigger workflow_triggers_touch before update on automation.workflow_triggers for each row execute function core.touch_updated_at();
-- The engine looks triggers up by org and type.
create index ix_workflow_triggers_trigger_type on automation.workflow_triggers (org_id, trigger_type) where enabled;

create table automation.workflow_actions (
    org_id      uuid     not null,
    trigger_id  uuid     not null,
    position    smallint not null constraint ck_workflow_actions_position check (position between 0 and 19),
    action_type text     not null constraint ck_workflow_actions_action_type check (action_type ~ '^[a-z][a-z_]{0,62}$'),
    config      jsonb    not null default '{}'::jsonb constraint ck_workflow_actions_config check (jsonb_typeof(config) = 'object'),
    constraint pk_workflow_actions primary key (org_id, trigger_id, position),
    constraint fk_workflow_actions_trigger_id foreign key (org_id, trigger_id)
        references automation.workflow_triggers (org_id, id) on delete cascade
);

alter table automation.workflow_triggers enable row level security;
alter table automation.workflow_triggers force row level security;
alter table automation.workflow_actions enable row level security;
alter table automation.workflow_actions force row level security;

create policy workflow_triggers_select on automation.workflow_triggers for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy workflow_triggers_insert on automation.workflow_triggers for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy workflow_triggers_update on automation.workflow_triggers for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy workflow_triggers_delete on automation.workflow_triggers for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy workflow_actions_select on automation.workflow_actions for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy workflow_actions_insert on automation.workflow_actions for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy workflow_actions_delete on automation.workflow_actions for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

grant select, insert, delete on automation.workflow_triggers, automation.workflow_actions to opsdash_app;
grant update (name, trigger_type, enabled, conditions) on automation.workflow_triggers to opsdash_app;

create function automation.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'automation:workflows'::text, (select count(*) from automation.workflow_triggers t where t.org_id = p_org);
end $$;
revoke execute on function automation.usage_counts(uuid) from public;

-- GET /plan counts workflows too (0050's body, one more source).
create or replace function organizations.plan_overview()
    returns table (feature_key text, description text, is_counted boolean, enabled boolean, limit_value bigint, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
#variable_conflict use_column
declare
    v_org uuid := core.current_org_id();
    v_billing_owner uuid;
    v_plan text;
begin
    select o.billing_owner_user_id into v_billing_owner
      from organizations.organizations o
     where o.id = v_org and o.deleted_at is null and o.id = any (members.member_org_ids()); -- a member, or the org's job (0010)
    if not found then
        return;
    end if;
    v_plan := organizations.org_plan(v_org);
    return query
    select f.key, f.description, f.is_counted, coalesce(l.enabled, false), l.limit_value,
           case f.key
               when 'members:seats' then
                   (select count(*) from members.org_members m where m.org_id = v_org)
                   + (select count(*) from members.invitations i
                       where i.org_id = v_org and i.accepted_at is null and i.expires_at > now())
               -- How many workspaces the billing owner has elsewhere is theirs to know (issue 7).
               when 'orgs:team' then case when core.current_user_id() = v_billing_owner then
                   (select count(*) from organizations.organizations t
                     where t.billing_owner_user_id = v_billing_owner and t.type = 'team' and t.deleted_at is null) end
               else coalesce(crm.used, projects.used, automation.used)
           end
      from organizations.features f
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = f.key
      left join crm.usage_counts(v_org) crm on crm.feature_key = f.key
      left join projects.usage_counts(v_org) projects on projects.feature_key = f.key
      left join automation.usage_counts(v_org) automation on automation.feature_key = f.key
     order by f.key;
end $$;
