-- core: what every module's policies and tables build on.
create schema core;
grant usage on schema core to opsdash_app;

-- The caller, as set for this transaction by the app (set_config(..., true)). Empty means none.
create function core.current_user_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

-- The organization the current request resolved from its URL slug. Empty means none.
create function core.current_org_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;

-- Background work acting for the platform. Honoured only by the few policies that name it.
create function core.is_system() returns boolean
    language sql stable parallel safe
    as $$ select coalesce(current_setting('app.system', true), '') = 'on' $$;

grant execute on function core.current_user_id(), core.current_org_id(), core.is_system() to opsdash_app;

create function core.touch_updated_at() returns trigger
    language plpgsql
    as $$
begin
    new.updated_at := now();
    return new;
end $$;

-- Transactional outbox: a row is written in the same transaction as the change it reports and
-- delivered later by the job queue (emails, webhooks). org_id is null for platform-level messages.
create table core.outbox_messages (
    id           uuid        primary key default gen_random_uuid(),
    org_id       uuid,
    type         text        not null check (type ~ '^[a-z_]+(\.[a-z_]+)+$'),
    payload      jsonb       not null,
    created_at   timestamptz not null default now(),
    available_at timestamptz not null default now(),
    processed_at timestamptz,
    attempts     integer     not null default 0,
    last_error   text
);
create index outbox_messages_pending_idx on core.outbox_messages (available_at) where processed_at is null;

alter table core.outbox_messages enable row level security;
alter table core.outbox_messages force row level security;

-- A request may only enqueue for the org it acts in; only system context reads or updates.
create policy outbox_insert on core.outbox_messages for insert to opsdash_app
    with check (core.is_system() or org_id is not distinct from core.current_org_id());
create policy outbox_system_select on core.outbox_messages for select to opsdash_app
    using (core.is_system());
create policy outbox_system_update on core.outbox_messages for update to opsdash_app
    using (core.is_system()) with check (core.is_system());

grant select, insert, update on core.outbox_messages to opsdash_app;
