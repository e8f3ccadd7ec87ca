create or replace view crm.quote_totals with (security_invoker = true) as
select l.org_id, l.quote_id, count(*)::integer as item_count,
       sum(l.net) as subtotal, sum(l.discount) as discount, sum(l.tax) as tax, sum(l.total) as total
  from crm.quote_lines l
 group by l.org_id, l.quote_id;

grant select on crm.quote_totals to opsdash_app;
