-- automation: in-app notifications (issue 11, item 3): what the notify_user action writes, and other
-- modules through Automation's contract (INotifications). A notification belongs to one user in one
-- org; its recipient must be a member of that org (a foreign key to the membership: leaving the org
-- deletes them). The user sees only their own, and only of orgs they are still in.
create schema automation;
grant usage on schema automation to opsdash_app;

create table automation.notifications (
    org_id     uuid        not null,
    id         uuid        not null,
    user_id    uuid        not null,
    kind       text        not null constraint ck_notifications_kind check (kind ~ '^[a-z][a-z0-9_.]{0,99}$'),
    title      text        not null constraint ck_notifications_title check (char_length(btrim(title)) between 1 and 200),
    body       text        constraint ck_notifications_body check (char_length(body) <= 2000),
    link       text        constraint ck_notifications_link check (char_length(link) <= 2000),
    read_at    timestamptz,
    created_at timestamptz not null default now(),
    constraint pk_notifications primary key (org_id, id),
    constraint fk_notifications_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_notifications_user_id foreign key (org_id, user_id)
        references members.org_members (org_id, user_id) on delete cascade
);
-- The list: a user's unread first, newest first within each (ids are time-ordered), keyset on both.
create index ix_notifications_user_id on automation.notifications (user_id, (read_at is null), id);
create index ix_notifications_org_user on automation.notifications (org_id, user_id);

alter table automation.notifications enable row level security;
alter table automation.notifications force row level security;
create policy notifications_select on automation.notifications for select to opsdash_app
    using (user_id = core.current_user_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy notifications_update on automation.notifications for update to opsdash_app
    using (user_id = core.current_user_id() and org_id = any ((select members.member_org_ids())::uuid[]))
    with check (user_id = core.current_user_id() and org_id = any ((select members.member_org_ids())::uuid[]));
-- Written in an org's context (a request of a member, or the org's job) for any member of it.
create policy notifications_insert on automation.notifications for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

-- Whether a user can receive in the current org: is a member of it now. For senders that are jobs,
-- which run after the event and may find the user gone; answers only inside the caller's own org.
create function automation.can_receive(p_org uuid, p_user uuid) returns boolean
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
    select p_org = core.current_org_id() and p_org = any (members.member_org_ids())
       and exists (select 1 from members.org_members m where m.org_id = p_org and m.user_id = p_user)
    $$;
revoke execute on function automation.can_receive(uuid, uuid) from public;
grant execute on function automation.can_receive(uuid, uuid) to opsdash_app;

grant select, insert on automation.notifications to opsdash_app;
grant update (read_at) on automation.notifications to opsdash_app;
