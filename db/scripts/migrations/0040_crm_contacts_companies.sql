-- crm: companies, contacts and the per-org custom field definitions of companies (issue 9, items 1-2).
-- Deals, activities, leads and quotes come later and reference contacts and companies by (org_id, id).
-- Soft delete: rows stay (deals keep their contact), reads filter deleted_at is null, and the usage
-- limits count live rows only.
create schema crm;
grant usage on schema crm to opsdash_app;

create table crm.custom_fields (
    org_id     uuid        not null,
    id         uuid        not null,
    entity     text        not null constraint ck_custom_fields_entity check (entity in ('company')),
    key        text        not null constraint ck_custom_fields_key check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    label      text        not null constraint ck_custom_fields_label check (char_length(label) between 1 and 200),
    field_type text        not null constraint ck_custom_fields_field_type check (field_type in ('text', 'number', 'boolean', 'date', 'select')),
    options    text[]      not null default '{}'
               constraint ck_custom_fields_options check (cardinality(options) <= 100),
    required   boolean     not null default false,
    created_at timestamptz not null default now(),
    constraint pk_custom_fields primary key (org_id, id),
    constraint uq_custom_fields_key unique (org_id, entity, key),
    constraint fk_custom_fields_org_id foreign key (org_id) references organizations.organizations (id)
);

create table crm.companies (
    org_id     uuid        not null,
    id         uuid        not null,
    name       text        not null constraint ck_companies_name check (char_length(btrim(name)) between 1 and 200),
    domain     text        constraint ck_companies_domain check (domain = lower(domain) and domain ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
    industry   text        constraint ck_companies_industry check (char_length(industry) between 1 and 100),
    size       text        constraint ck_companies_size check (size in ('1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+')),
    website    text        constraint ck_companies_website check (char_length(website) <= 2000),
    metadata   jsonb       not null default '{}'::jsonb constraint ck_companies_metadata check (jsonb_typeof(metadata) = 'object'),
    sort_name  text        generated always as (lower(name)) stored,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    constraint pk_companies primary key (org_id, id),
    constraint fk_companies_org_id foreign key (org_id) references organizations.organizations (id)
);
create trigger companies_touch before update on crm.companies for each row execute function core.touch_updated_at();
-- Name order (picker, list) and its keyset; filters by industry and size within the org.
create index ix_companies_sort_name on crm.companies (org_id, sort_name, id) where deleted_at is null;
create index ix_companies_sort_name__prefix on crm.companies (org_id, sort_name text_pattern_ops) where deleted_at is null;
create index ix_companies_industry on crm.companies (org_id, industry, sort_name, id) where deleted_at is null;
create index ix_companies_size on crm.companies (org_id, size, sort_name, id) where deleted_at is null;

-- The owner must be a member of the org: a foreign key to the membership (org_id, user_id), so the
-- rule holds under concurrency; when the member leaves, their contacts lose the owner, not the row.
create table crm.contacts (
    org_id        uuid        not null,
    id            uuid        not null,
    first_name    text        not null constraint ck_contacts_first_name check (char_length(btrim(first_name)) between 1 and 200),
    last_name     text        constraint ck_contacts_last_name check (char_length(last_name) <= 200),
    email         text        constraint ck_contacts_email check (email = lower(email) and char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+$'),
    phone         text        constraint ck_contacts_phone check (char_length(phone) between 1 and 50),
    title         text        constraint ck_contacts_title check (char_length(title) <= 200),
    company_id    uuid,
    owner_user_id uuid,
    tags          text[]      not null default '{}'
                  constraint ck_contacts_tags check (cardinality(tags) <= 20 and array_position(tags, null) is null),
    sort_name     text        generated always as (lower(first_name || ' ' || coalesce(last_name, ''))) stored,
    last_name_key text        generated always as (lower(last_name)) stored,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    deleted_at    timestamptz,
    constraint pk_contacts primary key (org_id, id),
    constraint fk_contacts_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_contacts_company_id foreign key (org_id, company_id) references crm.companies (org_id, id),
    constraint fk_contacts_owner_user_id foreign key (org_id, owner_user_id)
        references members.org_members (org_id, user_id) on delete set null (owner_user_id)
);
create trigger contacts_touch before update on crm.contacts for each row execute function core.touch_updated_at();
-- One live contact per email in an org (the CSV import upserts on it).
create unique index uq_contacts_email on crm.contacts (org_id, email) where deleted_at is null and email is not null;
-- Keyset pagination: one index per sort order, org first, id as the tie-breaker; backward scans serve desc.
create index ix_contacts_sort_name on crm.contacts (org_id, sort_name, id) where deleted_at is null;
create index ix_contacts_created_at on crm.contacts (org_id, created_at, id) where deleted_at is null;
create index ix_contacts_updated_at on crm.contacts (org_id, updated_at, id) where deleted_at is null;
-- Prefix search over name, last name, email and phone, written as a range with the pattern operators
-- (~>=~ and ~<~): under row-level security the planner uses only leakproof operators on plain
-- columns as index conditions, which rules out LIKE and lower(...) (hence the stored lower-case keys).
create index ix_contacts_sort_name__prefix on crm.contacts (org_id, sort_name text_pattern_ops) where deleted_at is null;
create index ix_contacts_last_name__prefix on crm.contacts (org_id, last_name_key text_pattern_ops) where deleted_at is null;
create index ix_contacts_email__prefix on crm.contacts (org_id, email text_pattern_ops) where deleted_at is null;
create index ix_contacts_phone__prefix on crm.contacts (org_id, phone text_pattern_ops) where deleted_at is null;
-- Foreign keys (not partial: a parent's delete looks its children up by them).
create index ix_contacts_company_id on crm.contacts (org_id, company_id);
create index ix_contacts_owner_user_id on crm.contacts (org_id, owner_user_id);

-- A contact may point only at a live company of its org (the foreign key alone accepts a deleted one).
create function crm.check_contact_company() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if new.company_id is not null
       and (tg_op = 'INSERT' or new.company_id is distinct from old.company_id)
       and not exists (select 1 from crm.companies c
                        where c.org_id = new.org_id and c.id = new.company_id and c.deleted_at is null) then
        raise exception 'Company not found' using errcode = 'OD404';
    end if;
    return new;
end $$;
create trigger contacts_company_live before insert or update of company_id on crm.contacts
    for each row execute function crm.check_contact_company();

create function crm.is_iso_date(p text) returns boolean
    language plpgsql immutable
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p !~ '^\d{4}-\d{2}-\d{2}$' then
        return false;
    end if;
    perform p::date;
    return true;
exception when others then
    return false;
end $$;

-- metadata holds only the org's defined custom fields, each of its type; required ones are present.
create function crm.check_company_metadata() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    f record;
    v jsonb;
    ok boolean;
begin
    for f in
        select m.key as meta_key, d.key, d.field_type, d.options, d.required
          from jsonb_object_keys(new.metadata) m(key)
          full join (select c.key, c.field_type, c.options, c.required from crm.custom_fields c
                      where c.org_id = new.org_id and c.entity = 'company') d on d.key = m.key
    loop
        if f.key is null then
            raise exception 'Unknown custom field "%"', left(f.meta_key, 64) using errcode = 'OD400', hint = 'metadata';
        end if;
        v := new.metadata -> f.key;
        if v is null or v = 'null'::jsonb then
            if f.required then
                raise exception 'Custom field "%" is required', f.key using errcode = 'OD400', hint = 'metadata.' || f.key;
            end if;
            continue;
        end if;
        ok := case f.field_type
                   when 'text' then jsonb_typeof(v) = 'string' and char_length(v #>> '{}') <= 2000
                   when 'number' then jsonb_typeof(v) = 'number'
                   when 'boolean' then jsonb_typeof(v) = 'boolean'
                   when 'date' then jsonb_typeof(v) = 'string' and crm.is_iso_date(v #>> '{}')
                   when 'select' then jsonb_typeof(v) = 'string' and (v #>> '{}') = any (f.options)
              end;
        if not ok then
            raise exception 'Custom field "%" must be a valid %', f.key, f.field_type using errcode = 'OD400', hint = 'metadata.' || f.key;
        end if;
    end loop;
    return new;
end $$;
create trigger companies_metadata_valid before insert or update of metadata on crm.companies
    for each row execute function crm.check_company_metadata();

alter table crm.custom_fields enable row level security;
alter table crm.custom_fields force row level security;
alter table crm.companies enable row level security;
alter table crm.companies force row level security;
alter table crm.contacts enable row level security;
alter table crm.contacts force row level security;

create policy custom_fields_select on crm.custom_fields for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy custom_fields_admin_insert on crm.custom_fields for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy custom_fields_admin_delete on crm.custom_fields for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

create policy companies_select on crm.companies for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy companies_insert on crm.companies for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy companies_update on crm.companies for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

create policy contacts_select on crm.contacts for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy contacts_insert on crm.contacts for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy contacts_update on crm.contacts for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

grant select, insert, delete on crm.custom_fields to opsdash_app;
grant select, insert on crm.companies to opsdash_app;
grant update (name, domain, industry, size, website, metadata, deleted_at) on crm.companies to opsdash_app;
grant select, insert on crm.contacts to opsdash_app;
grant update (first_name, last_name, email, phone, title, company_id, owner_user_id, tags, deleted_at) on crm.contacts to opsdash_app;
revoke execute on function crm.check_contact_company(), crm.check_company_metadata(), crm.is_iso_date(text) from public;
grant execute on function crm.is_iso_date(text) to opsdash_app;

-- GET /plan's usage of the CRM features: live rows, counted once per call for the org.
create function crm.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'crm:contacts'::text, (select count(*) from crm.contacts c where c.org_id = p_org and c.deleted_at is null)
        union all
        select 'crm:companies'::text, (select count(*) from crm.companies c where c.org_id = p_org and c.deleted_at is null);
end $$;
revoke execute on function crm.usage_counts(uuid) from public;

-- plan_overview (0016) with the CRM counts: the same body, one more source of "used".
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
               else crm.used
           end
      from organizations.features f
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = f.key
      left join crm.usage_counts(v_org) crm on crm.feature_key = f.key
     order by f.key;
end $$;
