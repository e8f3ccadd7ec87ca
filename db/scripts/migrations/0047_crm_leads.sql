-- crm: leads (issue 9, item 3). A lead is a person not yet worth a contact: listed, worked, and once
-- qualified converted into a contact and a deal in one transaction. Converting is a one-way door,
-- enforced here: crm.begin_lead_conversion locks the lead (a second, concurrent conversion waits and
-- then finds it converted: 409 lead_already_converted), and the converted_* columns are written only
-- by crm.finish_lead_conversion, which refuses a lead already converted.
create table crm.leads (
    org_id               uuid        not null,
    id                   uuid        not null,
    name                 text        not null constraint ck_leads_name check (char_length(btrim(name)) between 1 and 200),
    email                text        constraint ck_leads_email check (email = lower(email) and char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+$'),
    phone                text        constraint ck_leads_phone check (char_length(phone) between 1 and 50),
    company_name         text        constraint ck_leads_company_name check (char_length(company_name) between 1 and 200),
    source               text        constraint ck_leads_source check (char_length(source) between 1 and 100),
    status               text        not null default 'new'
                         constraint ck_leads_status check (status in ('new', 'contacted', 'qualified', 'disqualified', 'converted')),
    owner_user_id        uuid,
    notes                text        constraint ck_leads_notes check (char_length(notes) <= 5000),
    sort_name            text        generated always as (lower(name)) stored,
    converted_at         timestamptz,
    converted_contact_id uuid,
    converted_deal_id    uuid,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    deleted_at           timestamptz,
    constraint pk_leads primary key (org_id, id),
    -- converted is a status only a conversion sets, and a conversion always names its contact and deal.
    constraint ck_leads_status__converted check (
        (status = 'converted') = (converted_at is not null)
        and (converted_at is null) = (converted_contact_id is null)
        and (converted_at is null) = (converted_deal_id is null)),
    constraint fk_leads_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_leads_owner_user_id foreign key (org_id, owner_user_id)
        references members.org_members (org_id, user_id) on delete set null (owner_user_id),
    constraint fk_leads_converted_contact_id foreign key (org_id, converted_contact_id) references crm.contacts (org_id, id),
    constraint fk_leads_converted_deal_id foreign key (org_id, converted_deal_id) references crm.deals (org_id, id)
);
create trigger leads_touch before update on crm.leads for each row execute function core.touch_updated_at();
-- Keyset pagination per sort (created, name), id as the tie-breaker; status narrows the created order.
create index ix_leads_created_at on crm.leads (org_id, created_at, id) where deleted_at is null;
create index ix_leads_sort_name on crm.leads (org_id, sort_name, id) where deleted_at is null;
create index ix_leads_status on crm.leads (org_id, status, created_at, id) where deleted_at is null;
-- Prefix search (see 0040 for why ranges over text_pattern_ops columns).
create index ix_leads_sort_name__prefix on crm.leads (org_id, sort_name text_pattern_ops) where deleted_at is null;
create index ix_leads_email__prefix on crm.leads (org_id, email text_pattern_ops) where deleted_at is null;
create index ix_leads_owner_user_id on crm.leads (org_id, owner_user_id);
create index ix_leads_converted_contact_id on crm.leads (org_id, converted_contact_id);
create index ix_leads_converted_deal_id on crm.leads (org_id, converted_deal_id);

-- convertLeadToContactAndDeal, step 1: lock the live lead and hand back what the contact and deal are
-- made of. Runs as the caller, under row-level security: another org's lead is simply not found.
create function crm.begin_lead_conversion(p_org uuid, p_lead uuid)
    returns table (name text, email text, phone text, company_name text, owner_user_id uuid, source text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    l record;
begin
    select x.name, x.email, x.phone, x.company_name, x.owner_user_id, x.source, x.converted_at into l
      from crm.leads x
     where x.org_id = p_org and x.id = p_lead and x.deleted_at is null
       for update;
    if not found then
        raise exception 'Lead not found' using errcode = 'OD404';
    end if;
    if l.converted_at is not null then
        raise exception 'This lead has already been converted' using errcode = 'OD409', hint = 'lead_already_converted';
    end if;
    return query select l.name, l.email, l.phone, l.company_name, l.owner_user_id, l.source;
end $$;

-- Step 2, in the same transaction: mark the lead converted into the contact and deal just written.
-- Security definer because the app role may not write the converted_* columns directly.
create function crm.finish_lead_conversion(p_org uuid, p_lead uuid, p_contact uuid, p_deal uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not (p_org = core.current_org_id() and p_org = any (members.writer_org_ids())) then
        raise exception 'Lead not found' using errcode = 'OD404';
    end if;
    update crm.leads l
       set status = 'converted', converted_at = now(), converted_contact_id = p_contact, converted_deal_id = p_deal
     where l.org_id = p_org and l.id = p_lead and l.deleted_at is null and l.converted_at is null;
    if not found then
        raise exception 'This lead has already been converted' using errcode = 'OD409', hint = 'lead_already_converted';
    end if;
end $$;

alter table crm.leads enable row level security;
alter table crm.leads force row level security;
create policy leads_select on crm.leads for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy leads_insert on crm.leads for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy leads_update on crm.leads for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

grant select, insert on crm.leads to opsdash_app;
-- status, but never 'converted' by hand: ck_leads_status__converted refuses it without the converted_* columns.
grant update (name, email, phone, company_name, source, status, owner_user_id, notes, deleted_at) on crm.leads to opsdash_app;
revoke execute on function crm.begin_lead_conversion(uuid, uuid), crm.finish_lead_conversion(uuid, uuid, uuid, uuid) from public;
grant execute on function crm.begin_lead_conversion(uuid, uuid), crm.finish_lead_conversion(uuid, uuid, uuid, uuid) to opsdash_app;

-- GET /plan counts live leads against crm:leads too (0042's function, one more row).
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
        select 'crm:deals'::text, (select count(*) from crm.deals d where d.org_id = p_org and d.deleted_at is null)
        union all
        select 'crm:leads'::text, (select count(*) from crm.leads l where l.org_id = p_org and l.deleted_at is null);
end $$;
