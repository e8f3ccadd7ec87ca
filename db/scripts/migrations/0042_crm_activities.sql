-- crm: activities (notes, calls, emails, meetings) on contacts and/or deals; each one moves the
-- last_activity_at of what it is on (the at-risk list reads the deal's), and deals join GET /plan.

alter table crm.contacts add column last_activity_at timestamptz;

-- The contact's updated_at is about its own fields; a new activity is not an edit of the contact.
drop trigger contacts_touch on crm.contacts;
create trigger contacts_touch before update of first_name, last_name, email, phone, title, company_id, owner_user_id, tags, deleted_at
    on crm.contacts for each row execute function core.touch_updated_at();

create table crm.activities (
    org_id        uuid        not null,
    id            uuid        not null,
    kind          text        not null constraint ck_activities_kind check (kind in ('note', 'call', 'email', 'meeting')),
    subject       text        constraint ck_activities_subject check (char_length(subject) <= 200),
    body          text        constraint ck_activities_body check (char_length(body) <= 5000),
    contact_id    uuid,
    deal_id       uuid        constraint ck_activities_deal_id check (contact_id is not null or deal_id is not null),
    occurred_at   timestamptz not null default now(),
    created_by_user_id uuid,
    created_at    timestamptz not null default now(),
    constraint pk_activities primary key (org_id, id),
    constraint fk_activities_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_activities_contact_id foreign key (org_id, contact_id) references crm.contacts (org_id, id),
    constraint fk_activities_deal_id foreign key (org_id, deal_id) references crm.deals (org_id, id)
);
-- The lists (newest first, keyset on occurred_at, id) per contact, per deal and for the org.
create index ix_activities_contact_id on crm.activities (org_id, contact_id, occurred_at, id);
create index ix_activities_deal_id on crm.activities (org_id, deal_id, occurred_at, id);
create index ix_activities_occurred_at on crm.activities (org_id, occurred_at, id);

-- Only live contacts and deals of the org take activities; then their last_activity_at moves
-- forward (never back: a backdated note does not make a deal look quieter than it is).
create function crm.record_activity() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    -- A planned meeting is not activity yet: it would keep a deal off the at-risk list until then.
    if new.occurred_at > now() + interval '5 minutes' then
        raise exception 'occurredAt must not be in the future' using errcode = 'OD400', hint = 'occurredAt';
    end if;
    if new.contact_id is not null then
        update crm.contacts c set last_activity_at = greatest(c.last_activity_at, new.occurred_at)
         where c.org_id = new.org_id and c.id = new.contact_id and c.deleted_at is null;
        if not found then
            raise exception 'Contact not found' using errcode = 'OD404';
        end if;
    end if;
    if new.deal_id is not null then
        update crm.deals d set last_activity_at = greatest(d.last_activity_at, new.occurred_at)
         where d.org_id = new.org_id and d.id = new.deal_id and d.deleted_at is null;
        if not found then
            raise exception 'Deal not found' using errcode = 'OD404';
        end if;
    end if;
    return new;
end $$;
create trigger activities_record before insert on crm.activities for each row execute function crm.record_activity();

alter table crm.activities enable row level security;
alter table crm.activities force row level security;
create policy activities_select on crm.activities for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy activities_insert on crm.activities for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

grant select, insert on crm.activities to opsdash_app;
grant update (last_activity_at) on crm.contacts to opsdash_app;
grant update (last_activity_at) on crm.deals to opsdash_app;
revoke execute on function crm.record_activity() from public;

-- GET /plan counts live deals against crm:deals too (0040's function, one more row).
create or replace function crm.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'crm:contacts'::text, (select count(*) from crm.contacts c where c.org_id = p_org and c.deleted_at is null)
        union all
        select 'crm:companies'::text, (select count(*) from crm.companies c where c.org_id = p_org and c.deleted_at is null)
        union all
        select 'crm:deals'::text, (select count(*) from crm.deals d where d.org_id = p_org and d.deleted_at is null);
end $$;
