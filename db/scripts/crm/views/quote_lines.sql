-- security_invoker: the views read the tables as the caller, under their row-level security.
create or replace view crm.quote_lines with (security_invoker = true) as
select i.org_id, i.quote_id, i.position, i.description, i.quantity, i.unit_price, i.discount_percent, i.tax_percent,
       n.net, d.discount, n.net - d.discount + t.tax as total, t.tax
  from crm.quote_items i
 cross join lateral (select round(i.quantity * i.unit_price, 2) as net) n
 cross join lateral (select round(n.net * i.discount_percent / 100, 2) as discount) d
 cross join lateral (select round((n.net - d.discount) * i.tax_percent / 100, 2) as tax) t;

grant select on crm.quote_lines to opsdash_app;
