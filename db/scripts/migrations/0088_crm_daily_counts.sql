-- crm: contacts and leads created per org and UTC day (issue 21), so the dashboard's "new contacts / new leads
-- in a range" sums at most 366 days instead of counting up to every contact of the org (1,000,000 in the seed
-- org: a 0.5 s scan). Kept by statement-level triggers (crm/triggers/contacts.sql, leads.sql through
-- crm.count_daily_records): one upsert per statement, whatever its row count. A live row counts on the UTC day
-- it was created; soft-deleting it takes it back off.
-- slot spreads one org's day over 16 rows (by backend): a long import holds only its slot's row until it
-- commits, so the other writers of the org rarely wait on it.
create table crm.daily_counts (
    org_id   uuid     not null,
    day      date     not null,
    slot     smallint not null constraint ck_daily_counts_slot check (slot between 0 and 15),
    contacts bigint   not null default 0,
    leads    bigint   not null default 0,
    constraint pk_daily_counts primary key (org_id, day, slot),
    constraint fk_daily_counts_org_id foreign key (org_id) references organizations.organizations (id)
);

alter table crm.daily_counts enable row level security;
alter table crm.daily_counts force row level security;
-- Read by requests; written only by the (security definer) trigger function.
grant select on crm.daily_counts to opsdash_app;

insert into crm.daily_counts (org_id, day, slot, contacts, leads)
select x.org_id, x.day, 0, sum(x.contacts), sum(x.leads)
  from (select c.org_id, (c.created_at at time zone 'UTC')::date as day, count(*) as contacts, 0 as leads
          from crm.contacts c where c.deleted_at is null group by 1, 2
        union all
        select l.org_id, (l.created_at at time zone 'UTC')::date, 0, count(*)
          from crm.leads l where l.deleted_at is null group by 1, 2) x
 group by x.org_id, x.day;
