-- projects: projects, their milestones, tasks and time entries (issue 10). A project may point at a CRM
-- company and deal: the ids are checked through CRM's module interface (ICrmDirectory) and, here,
-- by (org_id, id) foreign keys, so no row can point at another org's company or deal.
-- Soft delete as in crm: rows stay, reads filter deleted_at is null, the limit counts live projects.
create schema projects;
grant usage on schema projects to opsdash_app;

create table projects.projects (
    org_id        uuid        not null,
    id            uuid        not null,
    name          text        not null constraint ck_projects_name check (char_length(btrim(name)) between 1 and 200),
    description   text        constraint ck_projects_description check (char_length(description) <= 5000),
    status        text        not null default 'active'
                  constraint ck_projects_status check (status in ('planned', 'active', 'on_hold', 'completed', 'cancelled')),
    company_id    uuid,
    deal_id       uuid,
    owner_user_id uuid,
    start_date    date,
    due_date      date        constraint ck_projects_due_date check (due_date >= start_date),
    sort_name     text        generated always as (lower(name)) stored,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    deleted_at    timestamptz,
    constraint pk_projects primary key (org_id, id),
    constraint fk_projects_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_projects_company_id foreign key (org_id, company_id) references crm.companies (org_id, id),
    constraint fk_projects_deal_id foreign key (org_id, deal_id) references crm.deals (org_id, id),
    constraint fk_projects_owner_user_id foreign key (org_id, owner_user_id)
        references members.org_members (org_id, user_id) on delete set null (owner_user_id)
);
create trigger projects_touch before update on projects.projects for each row execute function core.touch_updated_at();
-- Keyset lists: newest first, by name, by due date; status narrows the newest-first list.
create index ix_projects_created_at on projects.projects (org_id, created_at, id) where deleted_at is null;
create index ix_projects_sort_name on projects.projects (org_id, sort_name, id) where deleted_at is null;
create index ix_projects_due_date on projects.projects (org_id, due_date, id) where deleted_at is null;
create index ix_projects_status on projects.projects (org_id, status, created_at, id) where deleted_at is null;
create index ix_projects_company_id on projects.projects (org_id, company_id);
create index ix_projects_deal_id on projects.projects (org_id, deal_id);
create index ix_projects_owner_user_id on projects.projects (org_id, owner_user_id);

create table projects.milestones (
    org_id       uuid        not null,
    id           uuid        not null,
    project_id   uuid        not null,
    name         text        not null constraint ck_milestones_name check (char_length(btrim(name)) between 1 and 200),
    description  text        constraint ck_milestones_description check (char_length(description) <= 5000),
    due_date     date,
    completed_at timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    deleted_at   timestamptz,
    constraint pk_milestones primary key (org_id, id),
    -- A task names its milestone together with its project, so it cannot borrow another project's.
    constraint uq_milestones_project_id unique (org_id, project_id, id),
    constraint fk_milestones_project_id foreign key (org_id, project_id) references projects.projects (org_id, id)
);
create trigger milestones_touch before update on projects.milestones for each row execute function core.touch_updated_at();

create table projects.tasks (
    org_id           uuid        not null,
    id               uuid        not null,
    project_id       uuid        not null,
    milestone_id     uuid,
    title            text        not null constraint ck_tasks_title check (char_length(btrim(title)) between 1 and 200),
    description      text        constraint ck_tasks_description check (char_length(description) <= 10000),
    status           text        not null default 'todo'
                     constraint ck_tasks_status check (status in ('todo', 'in_progress', 'in_review', 'done', 'cancelled')),
    priority         text        not null default 'medium'
                     constraint ck_tasks_priority check (priority in ('low', 'medium', 'high', 'urgent')),
    assignee_user_id uuid,
    due_date         date,
    position         integer     not null,
    completed_at     timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz,
    constraint pk_tasks primary key (org_id, id),
    constraint uq_tasks_project_id unique (org_id, project_id, id),
    constraint fk_tasks_project_id foreign key (org_id, project_id) references projects.projects (org_id, id),
    constraint fk_tasks_milestone_id foreign key (org_id, project_id, milestone_id) references projects.milestones (org_id, project_id, id),
    constraint fk_tasks_assignee_user_id foreign key (org_id, assignee_user_id)
        references members.org_members (org_id, user_id) on delete set null (assignee_user_id)
);
create trigger tasks_touch before update on projects.tasks for each row execute function core.touch_updated_at();
-- A project's tasks in their order; the overdue / due-soon queries over open tasks with a due date.
create index ix_tasks_position on projects.tasks (org_id, project_id, position, id) where deleted_at is null;
create index ix_tasks_due_date on projects.tasks (org_id, due_date, id)
    where deleted_at is null and due_date is not null and status not in ('done', 'cancelled');
create index ix_tasks_milestone_id on projects.tasks (org_id, project_id, milestone_id);
create index ix_tasks_assignee_user_id on projects.tasks (org_id, assignee_user_id);

-- done sets completed_at, anything else clears it: "completed" is a fact about the status, kept by the row.
create function projects.stamp_task_completion() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if new.status = 'done' and (tg_op = 'INSERT' or old.status <> 'done') then
        new.completed_at := now();
    elsif new.status <> 'done' then
        new.completed_at := null;
    end if;
    return new;
end $$;
create trigger tasks_completion before insert or update of status on projects.tasks
    for each row execute function projects.stamp_task_completion();

-- Tasks and milestones go only into a live project, and a task only into a live milestone.
create function projects.check_task_parents() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not exists (select 1 from projects.projects p where p.org_id = new.org_id and p.id = new.project_id and p.deleted_at is null) then
        raise exception 'Project not found' using errcode = 'OD404';
    end if;
    -- Nested: NEW of a milestone has no milestone_id to look at.
    if tg_table_name = 'tasks' then
        if new.milestone_id is not null
           and not exists (select 1 from projects.milestones m
                            where m.org_id = new.org_id and m.project_id = new.project_id and m.id = new.milestone_id and m.deleted_at is null) then
            raise exception 'Milestone not found' using errcode = 'OD404';
        end if;
    end if;
    return new;
end $$;
create trigger tasks_parents_live before insert or update of project_id, milestone_id on projects.tasks
    for each row execute function projects.check_task_parents();
create trigger milestones_parent_live before insert on projects.milestones
    for each row execute function projects.check_task_parents();

-- Time entries: minutes on a task (and so on its project), by the member who logged them; money as
-- numeric with the entry's currency. project_id is the task's (the composite key says so).
create table projects.time_entries (
    org_id      uuid          not null,
    id          uuid          not null,
    project_id  uuid          not null,
    task_id     uuid          not null,
    user_id     uuid,
    minutes     integer       not null constraint ck_time_entries_minutes check (minutes between 1 and 1440),
    entry_date  date          not null,
    billable    boolean       not null default true,
    hourly_rate numeric(12,2) constraint ck_time_entries_hourly_rate check (hourly_rate >= 0),
    currency    text          not null default 'USD' constraint ck_time_entries_currency check (currency ~ '^[A-Z]{3}$'),
    note        text          constraint ck_time_entries_note check (char_length(note) <= 2000),
    created_at  timestamptz   not null default now(),
    deleted_at  timestamptz,
    constraint pk_time_entries primary key (org_id, id),
    constraint fk_time_entries_task_id foreign key (org_id, project_id, task_id) references projects.tasks (org_id, project_id, id),
    constraint fk_time_entries_user_id foreign key (org_id, user_id)
        references members.org_members (org_id, user_id) on delete set null (user_id)
);
create index ix_time_entries_task_id on projects.time_entries (org_id, project_id, task_id);
create index ix_time_entries_user_id on projects.time_entries (org_id, user_id);

-- What a time entry is worth: billable minutes at its rate, to the cent (one place for the API).
create view projects.time_entry_values with (security_invoker = true) as
select e.org_id, e.id, e.project_id, e.task_id, e.minutes, e.billable, e.hourly_rate, e.currency,
       case when e.billable and e.hourly_rate is not null then round(e.minutes * e.hourly_rate / 60, 2) else 0 end as amount
  from projects.time_entries e
 where e.deleted_at is null;

alter table projects.projects enable row level security;
alter table projects.projects force row level security;
alter table projects.milestones enable row level security;
alter table projects.milestones force row level security;
alter table projects.tasks enable row level security;
alter table projects.tasks force row level security;
alter table projects.time_entries enable row level security;
alter table projects.time_entries force row level security;

create policy projects_select on projects.projects for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy projects_insert on projects.projects for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy projects_update on projects.projects for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy milestones_select on projects.milestones for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy milestones_insert on projects.milestones for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy milestones_update on projects.milestones for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy tasks_select on projects.tasks for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy tasks_insert on projects.tasks for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy tasks_update on projects.tasks for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy time_entries_select on projects.time_entries for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy time_entries_insert on projects.time_entries for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

grant select, insert on projects.projects, projects.milestones, projects.tasks, projects.time_entries to opsdash_app;
grant update (name, description, status, company_id, deal_id, owner_user_id, start_date, due_date, deleted_at) on projects.projects to opsdash_app;
grant update (name, description, due_date, completed_at, deleted_at) on projects.milestones to opsdash_app;
grant update (milestone_id, title, description, status, priority, assignee_user_id, due_date, position, deleted_at) on projects.tasks to opsdash_app;
grant select on projects.time_entry_values to opsdash_app;
revoke execute on function projects.stamp_task_completion(), projects.check_task_parents() from public;

-- GET /plan counts live projects against projects:crud; plan_overview (latest body: 0040) now joins
-- each module's usage function.
create function projects.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'projects:crud'::text, (select count(*) from projects.projects p where p.org_id = p_org and p.deleted_at is null);
end $$;
revoke execute on function projects.usage_counts(uuid) from public;

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
               else coalesce(crm.used, projects.used)
           end
      from organizations.features f
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = f.key
      left join crm.usage_counts(v_org) crm on crm.feature_key = f.key
      left join projects.usage_counts(v_org) projects on projects.feature_key = f.key
     order by f.key;
end $$;
