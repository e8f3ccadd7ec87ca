-- Keeps crm.daily_counts (0088) for crm.contacts and crm.leads from a statement's transition tables, netted per
-- org and UTC day of creation: an insert adds its live rows, a delete takes its live rows off, an update takes
-- the old live rows off and adds the new ones (so only a change of deleted_at or created_at moves a count).
-- Upserted in (org, day) order on this backend's slot. As the owner: the app role cannot write the table.
-- One statement per operation: each names only the transition tables its trigger has.
create or replace function crm.count_daily_records() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_slot smallint := pg_backend_pid() % 16;
    v_contacts integer := case when tg_table_name = 'contacts' then 1 else 0 end;
begin
    if tg_op = 'INSERT' then
        insert into crm.daily_counts as c (org_id, day, slot, contacts, leads)
        select r.org_id, (r.created_at at time zone 'UTC')::date, v_slot, count(*) * v_contacts, count(*) * (1 - v_contacts)
          from new_rows r where r.deleted_at is null
         group by 1, 2 order by 1, 2
        on conflict (org_id, day, slot) do update set contacts = c.contacts + excluded.contacts, leads = c.leads + excluded.leads;
    elsif tg_op = 'DELETE' then
        insert into crm.daily_counts as c (org_id, day, slot, contacts, leads)
        select o.org_id, (o.created_at at time zone 'UTC')::date, v_slot, -count(*) * v_contacts, -count(*) * (1 - v_contacts)
          from old_rows o where o.deleted_at is null
         group by 1, 2 order by 1, 2
        on conflict (org_id, day, slot) do update set contacts = c.contacts + excluded.contacts, leads = c.leads + excluded.leads;
    else
        insert into crm.daily_counts as c (org_id, day, slot, contacts, leads)
        select x.org_id, x.day, v_slot, sum(x.n) * v_contacts, sum(x.n) * (1 - v_contacts)
          from (select o.org_id, (o.created_at at time zone 'UTC')::date as day, -1 as n from old_rows o where o.deleted_at is null
                union all
                select r.org_id, (r.created_at at time zone 'UTC')::date, 1 from new_rows r where r.deleted_at is null) x
         group by 1, 2 having sum(x.n) <> 0 order by 1, 2
        on conflict (org_id, day, slot) do update set contacts = c.contacts + excluded.contacts, leads = c.leads + excluded.leads;
    end if;
    return null;
end $$;

revoke execute on function crm.count_daily_records() from public;
