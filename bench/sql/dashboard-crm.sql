-- CrmInsights.DashboardSql (src/Modules/Crm/Insights/CrmInsights.cs), as the dashboard sends it; keep in step.
with by_stage as (
    select d.stage_id, d.currency, count(*) as deals, coalesce(sum(d.amount), 0) as amount
      from crm.deals d
     where d.org_id = @OrgId and d.deleted_at is null
     group by d.stage_id, d.currency
)
select 'stage' as kind, s.id as stage_id, s.name as stage_name, s.position, s.probability::int as probability,
       s.is_won, s.is_lost, b.currency, coalesce(b.deals, 0) as deals, coalesce(b.amount, 0) as amount
  from crm.pipeline_stages s
  left join by_stage b on b.stage_id = s.id
 where s.org_id = @OrgId and (s.deleted_at is null or b.deals is not null)
union all
select d.status, null, null, 0, 0, false, false, d.currency, count(*), coalesce(sum(d.amount), 0)
  from crm.deals d
 where d.org_id = @OrgId and d.deleted_at is null and d.status <> 'open'
   and d.stage_changed_at >= @From and d.stage_changed_at < @Until
 group by d.status, d.currency
union all
select 'new', null, null, 0, 0, false, false, null, coalesce(sum(n.contacts), 0)::bigint, coalesce(sum(n.leads), 0)
  from crm.daily_counts n
 where n.org_id = @OrgId and n.day >= @FromDay::date and n.day <= @ToDay::date

