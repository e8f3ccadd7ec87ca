-- crm: pipeline stages, deals and their stage history, and the per-org CRM settings (issue 9, item 4).
-- Stages are seeded lazily (crm.ensure_pipeline_stages, under a per-org lock, on first use) so the CRM
-- needs no hook into org creation; orgs that exist now are backfilled below.
-- Stage rules, in SQL: at most one won and one lost stage (partial unique indexes), never both on one
-- stage, and an org always keeps at least one live open stage (checked under the same per-org lock).
-- Stages are soft-deleted: deals and their history keep pointing at them.

create table crm.pipeline_stages (
    org_id      uuid        not null,
    id          uuid        not null,
    name        text        not null constraint ck_pipeline_stages_name check (char_length(btrim(name)) between 1 and 100),
    position    integer     not null constraint ck_pipeline_stages_position check (position >= 0),
    is_won      boolean     not null default false,
    is_lost     boolean     not null default false constraint ck_pipeline_stages_is_lost check (not (is_won and is_lost)),
    probability smallint    not null constraint ck_pipeline_stages_probability check (probability between 0 and 100),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    deleted_at  timestamptz,
    constraint pk_pipeline_stages primary key (org_id, id),
    constraint fk_pipeline_stages_org_id foreign key (org_id) references organizations.organizations (id)
);
create trigger pipeline_stages_touch before update on crm.pipeline_stages for each row execute function core.touch_updated_at();
create unique index uq_pipeline_stages_name on crm.pipeline_stages (org_id, name) where deleted_at is null;
create unique index uq_pipeline_stages_is_won on crm.pipeline_stages (org_id) where is_won and deleted_at is null;
create unique index uq_pipeline_stages_is_lost on crm.pipeline_stages (org_id) where is_lost and deleted_at is null;
create index ix_pipeline_stages_position on crm.pipeline_stages (org_id, position, id) where deleted_at is null;

-- One lock per org's pipeline: seeding, and every change that could leave it without an open stage.
create function crm.lock_pipeline(p_org uuid) returns void
    language sql volatile
    set search_path = pg_catalog, pg_temp
    as $$ select pg_advisory_xact_lock(hashtextextended('crm.pipeline_stages:' || p_org::text, 0)) $$;

create function crm.check_open_stage() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(new.org_id);
    -- A fresh snapshot after the lock (volatile function, read committed): a concurrent change has committed.
    if not exists (select 1 from crm.pipeline_stages s
                    where s.org_id = new.org_id and s.deleted_at is null and not s.is_won and not s.is_lost) then
        raise exception 'The pipeline must keep at least one open stage' using errcode = 'OD409', hint = 'last_open_stage';
    end if;
    return null;
end $$;
create constraint trigger pipeline_stages_keep_open after update of is_won, is_lost, deleted_at on crm.pipeline_stages
    for each row execute function crm.check_open_stage();

-- The default pipeline, inserted once per org (after the lock, only when the org has no stage at all:
-- the rule above means an org that was seeded never has none).
create function crm.seed_pipeline_stages(p_org uuid) returns void
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(p_org);
    if exists (select 1 from crm.pipeline_stages s where s.org_id = p_org) then
        return;
    end if;
    insert into crm.pipeline_stages (org_id, id, name, position, is_won, is_lost, probability)
    select p_org, gen_random_uuid(), v.name, v.position, v.is_won, v.is_lost, v.probability
      from (values ('Lead', 0, false, false, 10), ('Qualified', 1, false, false, 25), ('Proposal', 2, false, false, 50),
                   ('Negotiation', 3, false, false, 75), ('Won', 4, true, false, 100), ('Lost', 5, false, true, 0))
           as v (name, position, is_won, is_lost, probability);
end $$;

-- For requests: any member (a viewer's first read included) seeds the current org's pipeline.
create function crm.ensure_pipeline_stages(p_org uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p_org is distinct from core.current_org_id() or not (p_org = any (members.member_org_ids())) then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    if not exists (select 1 from crm.pipeline_stages s where s.org_id = p_org) then
        perform crm.seed_pipeline_stages(p_org);
    end if;
end $$;

select crm.seed_pipeline_stages(o.id) from organizations.organizations o;

create table crm.settings (
    org_id       uuid        not null,
    at_risk_days integer     not null default 7 constraint ck_settings_at_risk_days check (at_risk_days between 1 and 365),
    updated_at   timestamptz not null default now(),
    constraint pk_settings primary key (org_id),
    constraint fk_settings_org_id foreign key (org_id) references organizations.organizations (id)
);
create trigger settings_touch before update on crm.settings for each row execute function core.touch_updated_at();

create function crm.is_currency(p text) returns boolean
    language sql immutable
    set search_path = pg_catalog, pg_temp
    as $$
    -- ISO 4217 active codes (2025), without funds and precious metals.
    select p = any (array[
        'AED','AFN','ALL','AMD','AOA','ARS','AUD','AWG','AZN','BAM','BBD','BDT','BGN','BHD','BIF','BMD','BND','BOB',
        'BRL','BSD','BTN','BWP','BYN','BZD','CAD','CDF','CHF','CLP','CNY','COP','CRC','CUP','CVE','CZK','DJF','DKK',
        'DOP','DZD','EGP','ERN','ETB','EUR','FJD','FKP','GBP','GEL','GHS','GIP','GMD','GNF','GTQ','GYD','HKD','HNL',
        'HTG','HUF','IDR','ILS','INR','IQD','IRR','ISK','JMD','JOD','JPY','KES','KGS','KHR','KMF','KPW','KRW','KWD',
        'KYD','KZT','LAK','LBP','LKR','LRD','LSL','LYD','MAD','MDL','MGA','MKD','MMK','MNT','MOP','MRU','MUR','MVR',
        'MWK','MXN','MYR','MZN','NAD','NGN','NIO','NOK','NPR','NZD','OMR','PAB','PEN','PGK','PHP','PKR','PLN','PYG',
        'QAR','RON','RSD','RUB','RWF','SAR','SBD','SCR','SDG','SEK','SGD','SHP','SLE','SOS','SRD','SSP','STN','SVC',
        'SYP','SZL','THB','TJS','TMT','TND','TOP','TRY','TTD','TWD','TZS','UAH','UGX','USD','UYU','UZS','VES','VND',
        'VUV','WST','XAF','XCD','XCG','XOF','XPF','YER','ZAR','ZMW','ZWG']::text[])
$$;

-- status mirrors the stage's flags (maintained below), so "open deals" is a plain indexed column.
-- quiet_since is when the deal last saw activity (or was created): the at-risk list's key.
create table crm.deals (
    org_id              uuid          not null,
    id                  uuid          not null,
    title               text          not null constraint ck_deals_title check (char_length(btrim(title)) between 1 and 200),
    title_key           text          generated always as (lower(title)) stored,
    stage_id            uuid          not null,
    status              text          not null default 'open' constraint ck_deals_status check (status in ('open', 'won', 'lost')),
    contact_id          uuid,
    company_id          uuid,
    owner_user_id       uuid,
    amount              numeric(14,2) constraint ck_deals_amount check (amount >= 0),
    currency            text          not null default 'USD' constraint ck_deals_currency check (crm.is_currency(currency)),
    expected_close_date date,
    last_activity_at    timestamptz,
    stage_changed_at    timestamptz   not null default now(),
    created_at          timestamptz   not null default now(),
    updated_at          timestamptz   not null default now(),
    quiet_since         timestamptz   generated always as (coalesce(last_activity_at, created_at)) stored,
    deleted_at          timestamptz,
    constraint pk_deals primary key (org_id, id),
    constraint fk_deals_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_deals_stage_id foreign key (org_id, stage_id) references crm.pipeline_stages (org_id, id),
    constraint fk_deals_contact_id foreign key (org_id, contact_id) references crm.contacts (org_id, id),
    constraint fk_deals_company_id foreign key (org_id, company_id) references crm.companies (org_id, id),
    constraint fk_deals_owner_user_id foreign key (org_id, owner_user_id)
        references members.org_members (org_id, user_id) on delete set null (owner_user_id)
);
create trigger deals_touch before update of title, stage_id, contact_id, company_id, owner_user_id, amount, currency, expected_close_date, deleted_at
    on crm.deals for each row execute function core.touch_updated_at();
-- The list (newest first) and its keyset; the filters ride on their own indexes.
create index ix_deals_created_at on crm.deals (org_id, created_at, id) where deleted_at is null;
create index ix_deals_title__prefix on crm.deals (org_id, title_key text_pattern_ops) where deleted_at is null;
create index ix_deals_amount on crm.deals (org_id, amount) where deleted_at is null;
-- At risk: open deals, quietest first.
create index ix_deals_quiet_since on crm.deals (org_id, quiet_since, id) where deleted_at is null and status = 'open';
create index ix_deals_stage_id on crm.deals (org_id, stage_id);
create index ix_deals_contact_id on crm.deals (org_id, contact_id);
create index ix_deals_company_id on crm.deals (org_id, company_id);
create index ix_deals_owner_user_id on crm.deals (org_id, owner_user_id);

-- Stage, contact and company must be live ones of the org (the foreign keys alone accept deleted
-- rows); status follows the stage.
create function crm.check_deal_links() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    s record;
begin
    if tg_op = 'INSERT' or new.stage_id is distinct from old.stage_id then
        select st.is_won, st.is_lost into s from crm.pipeline_stages st
         where st.org_id = new.org_id and st.id = new.stage_id and st.deleted_at is null;
        if not found then
            raise exception 'Stage not found' using errcode = 'OD404';
        end if;
        new.status := case when s.is_won then 'won' when s.is_lost then 'lost' else 'open' end;
        new.stage_changed_at := now();
    end if;
    if new.contact_id is not null and (tg_op = 'INSERT' or new.contact_id is distinct from old.contact_id)
       and not exists (select 1 from crm.contacts c where c.org_id = new.org_id and c.id = new.contact_id and c.deleted_at is null) then
        raise exception 'Contact not found' using errcode = 'OD404';
    end if;
    if new.company_id is not null and (tg_op = 'INSERT' or new.company_id is distinct from old.company_id)
       and not exists (select 1 from crm.companies c where c.org_id = new.org_id and c.id = new.company_id and c.deleted_at is null) then
        raise exception 'Company not found' using errcode = 'OD404';
    end if;
    return new;
end $$;
create trigger deals_links_live before insert or update of stage_id, contact_id, company_id on crm.deals
    for each row execute function crm.check_deal_links();

-- A stage whose won/lost flags change carries its deals' status along. As the owner: status is
-- derived, so the app role gets no grant on it.
create function crm.sync_deal_status() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    update crm.deals d
       set status = case when new.is_won then 'won' when new.is_lost then 'lost' else 'open' end
     where d.org_id = new.org_id and d.stage_id = new.id;
    return null;
end $$;
create trigger pipeline_stages_sync_deals after update of is_won, is_lost on crm.pipeline_stages
    for each row when (old.is_won is distinct from new.is_won or old.is_lost is distinct from new.is_lost)
    execute function crm.sync_deal_status();

-- Every stage a deal enters, from its creation on, in order (id): written by the trigger below, so
-- no path can move a deal without a row here. The deal's row lock orders concurrent changes.
create table crm.deal_stage_history (
    org_id             uuid        not null,
    id                 bigint      generated always as identity,
    deal_id            uuid        not null,
    from_stage_id      uuid,
    to_stage_id        uuid        not null,
    changed_by_user_id uuid,
    changed_at         timestamptz not null default now(),
    constraint pk_deal_stage_history primary key (org_id, id),
    constraint fk_deal_stage_history_deal_id foreign key (org_id, deal_id) references crm.deals (org_id, id),
    constraint fk_deal_stage_history_from_stage_id foreign key (org_id, from_stage_id) references crm.pipeline_stages (org_id, id),
    constraint fk_deal_stage_history_to_stage_id foreign key (org_id, to_stage_id) references crm.pipeline_stages (org_id, id)
);
create index ix_deal_stage_history_deal_id on crm.deal_stage_history (org_id, deal_id, id);
create index ix_deal_stage_history_from_stage_id on crm.deal_stage_history (org_id, from_stage_id);
create index ix_deal_stage_history_to_stage_id on crm.deal_stage_history (org_id, to_stage_id);

create function crm.record_deal_stage() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    insert into crm.deal_stage_history (org_id, deal_id, from_stage_id, to_stage_id, changed_by_user_id)
    values (new.org_id, new.id, case when tg_op = 'UPDATE' then old.stage_id end, new.stage_id, core.current_user_id());
    return null;
end $$;
create trigger deals_stage_history after insert or update of stage_id on crm.deals
    for each row when (new.deleted_at is null)
    execute function crm.record_deal_stage();

-- changeDealStage: lock the deal, move it, and say from where to where (the history row is the
-- trigger's). Not found: the deal or the stage is not a live one of the org. Same stage: no change.
create function crm.change_deal_stage(p_org uuid, p_deal uuid, p_stage uuid)
    returns table (changed boolean, from_stage_id uuid, from_name text, to_stage_id uuid, to_name text, to_status text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_from uuid;
begin
    select d.stage_id into v_from from crm.deals d
     where d.org_id = p_org and d.id = p_deal and d.deleted_at is null
       for update;
    if not found then
        raise exception 'Deal not found' using errcode = 'OD404';
    end if;
    if v_from <> p_stage then
        update crm.deals d set stage_id = p_stage where d.org_id = p_org and d.id = p_deal;
    end if;
    return query
        select v_from <> p_stage, v_from, f.name, t.id, t.name,
               case when t.is_won then 'won' when t.is_lost then 'lost' else 'open' end
          from crm.pipeline_stages t
          join crm.pipeline_stages f on f.org_id = p_org and f.id = v_from
         where t.org_id = p_org and t.id = p_stage and t.deleted_at is null;
    if not found then
        raise exception 'Stage not found' using errcode = 'OD404';
    end if;
end $$;

-- deletePipelineStage: a soft delete under the pipeline lock; a stage that live deals are in stays
-- (409 stage_in_use: move them first), and the open-stage rule above still applies.
create function crm.delete_pipeline_stage(p_org uuid, p_stage uuid) returns void
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(p_org);
    perform 1 from crm.pipeline_stages s where s.org_id = p_org and s.id = p_stage and s.deleted_at is null for update;
    if not found then
        raise exception 'Stage not found' using errcode = 'OD404';
    end if;
    if exists (select 1 from crm.deals d where d.org_id = p_org and d.stage_id = p_stage and d.deleted_at is null) then
        raise exception 'Deals are in this stage; move them first' using errcode = 'OD409', hint = 'stage_in_use';
    end if;
    update crm.pipeline_stages s set deleted_at = now() where s.org_id = p_org and s.id = p_stage;
end $$;

-- reorderPipelineStages: p_ids is every live stage of the org, in the new order.
create function crm.reorder_pipeline_stages(p_org uuid, p_ids uuid[]) returns void
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(p_org);
    if exists (select 1 from unnest(p_ids) i(id)
                where not exists (select 1 from crm.pipeline_stages s where s.org_id = p_org and s.id = i.id and s.deleted_at is null)) then
        raise exception 'Stage not found' using errcode = 'OD404';
    end if;
    if cardinality(p_ids) <> (select count(distinct i) from unnest(p_ids) i)
       or cardinality(p_ids) <> (select count(*) from crm.pipeline_stages s where s.org_id = p_org and s.deleted_at is null) then
        raise exception 'ids must list every stage exactly once' using errcode = 'OD400', hint = 'ids';
    end if;
    update crm.pipeline_stages s set position = i.ord - 1
      from unnest(p_ids) with ordinality i(id, ord)
     where s.org_id = p_org and s.id = i.id and s.position <> i.ord - 1;
end $$;

alter table crm.pipeline_stages enable row level security;
alter table crm.pipeline_stages force row level security;
alter table crm.settings enable row level security;
alter table crm.settings force row level security;
alter table crm.deals enable row level security;
alter table crm.deals force row level security;
alter table crm.deal_stage_history enable row level security;
alter table crm.deal_stage_history force row level security;

create policy pipeline_stages_select on crm.pipeline_stages for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy pipeline_stages_admin_insert on crm.pipeline_stages for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy pipeline_stages_admin_update on crm.pipeline_stages for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

create policy settings_select on crm.settings for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy settings_admin_insert on crm.settings for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy settings_admin_update on crm.settings for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

create policy deals_select on crm.deals for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy deals_insert on crm.deals for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy deals_update on crm.deals for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

create policy deal_stage_history_select on crm.deal_stage_history for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy deal_stage_history_insert on crm.deal_stage_history for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

grant select, insert on crm.pipeline_stages to opsdash_app;
grant update (name, position, is_won, is_lost, probability, deleted_at) on crm.pipeline_stages to opsdash_app;
grant select, insert on crm.settings to opsdash_app;
grant update (at_risk_days) on crm.settings to opsdash_app;
grant select, insert on crm.deals to opsdash_app;
grant update (title, stage_id, contact_id, company_id, owner_user_id, amount, currency, expected_close_date, deleted_at) on crm.deals to opsdash_app;
grant select, insert on crm.deal_stage_history to opsdash_app;
grant usage on sequence crm.deal_stage_history_id_seq to opsdash_app;
revoke execute on function crm.lock_pipeline(uuid), crm.check_open_stage(), crm.seed_pipeline_stages(uuid),
    crm.ensure_pipeline_stages(uuid), crm.is_currency(text), crm.check_deal_links(), crm.sync_deal_status(),
    crm.record_deal_stage(), crm.change_deal_stage(uuid, uuid, uuid), crm.delete_pipeline_stage(uuid, uuid),
    crm.reorder_pipeline_stages(uuid, uuid[]) from public;
grant execute on function crm.lock_pipeline(uuid), crm.ensure_pipeline_stages(uuid), crm.is_currency(text),
    crm.change_deal_stage(uuid, uuid, uuid), crm.delete_pipeline_stage(uuid, uuid), crm.reorder_pipeline_stages(uuid, uuid[]) to opsdash_app;
