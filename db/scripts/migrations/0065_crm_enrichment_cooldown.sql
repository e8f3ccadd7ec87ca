-- Issue 17 item 5, enrichment: each enrichment may be a paid lookup (Clearbit), and a writer could
-- queue one after another for the same company without limit. A company is enriched at most once
-- per cool-down (Crm:Enrichment:CooldownHours, passed in): the time of the last queued enrichment
-- is kept per company, and a new one within the cool-down is refused with how long to wait.
-- Its own table, not a column of crm.companies: stamping a request is not a change to the company
-- (companies_touch would move its updated_at). Only the function below reads or writes it.
create table crm.company_enrichment_requests (
    org_id       uuid        not null,
    company_id   uuid        not null,
    requested_at timestamptz not null,
    constraint pk_company_enrichment_requests primary key (org_id, company_id),
    constraint fk_company_enrichment_requests_company_id foreign key (org_id, company_id)
        references crm.companies (org_id, id) on delete cascade
);
alter table crm.company_enrichment_requests enable row level security;
alter table crm.company_enrichment_requests force row level security;

-- enrichCompany, after jobs.enqueue_unique in the same transaction: the company must be a live one
-- of the org (404, which also rolls the job back). p_new_job false: the pending job answers, nothing
-- else to do. p_new_job true: stamp the company unless it was stamped within p_cooldown; then raise
-- OD429 with HINT 'enrichment_cooldown;<seconds to wait>' (the request's rollback drops the new
-- job). The stamp is one insert-or-update on the primary key, so of a burst of requests (each of
-- which found no pending job) exactly one passes; the others wait on its row and then see it.
create function crm.start_company_enrichment(p_company uuid, p_cooldown interval, p_new_job boolean) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_last timestamptz;
begin
    if v_org is null or not (v_org = any (members.writer_org_ids()))
       or not exists (select 1 from crm.companies c where c.org_id = v_org and c.id = p_company and c.deleted_at is null) then
        raise exception 'Company not found' using errcode = 'OD404';
    end if;
    if not p_new_job then
        return;
    end if;
    insert into crm.company_enrichment_requests as r (org_id, company_id, requested_at)
    values (v_org, p_company, now())
    on conflict (org_id, company_id) do update set requested_at = excluded.requested_at
     where r.requested_at <= now() - greatest(p_cooldown, interval '0');
    if found then
        return;
    end if;
    select r.requested_at into v_last from crm.company_enrichment_requests r where r.org_id = v_org and r.company_id = p_company;
    raise exception 'Enrichment of this company was last requested at %; it can run again at %',
            to_char(v_last at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            to_char((v_last + p_cooldown) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        using errcode = 'OD429',
              hint = 'enrichment_cooldown;' || greatest(1, ceil(extract(epoch from v_last + p_cooldown - now())))::bigint;
end $$;

revoke execute on function crm.start_company_enrichment(uuid, interval, boolean) from public;
grant execute on function crm.start_company_enrichment(uuid, interval, boolean) to opsdash_app;
