-- GET /api/v1/orgs/{slug}/contacts?cursor=... (created desc, 50 per page) as ListContacts.SqlFor composes
-- it with a cursor and no filter; bench/crm-list.sh EXPLAINs it as opsdash_app. The plan test
-- (tests/OpsDash.Tests/Crm/ContactQueryPlanTests) checks the real statement on 20,000 rows.
select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id,
       case when c.company_id is not null then
           (select co.name from crm.companies co
             where co.org_id = c.org_id and co.id = c.company_id and co.deleted_at is null) end as company_name,
       c.owner_user_id, c.tags, c.created_at, c.updated_at, c.sort_name
  from crm.contacts c
 where c.org_id = :'org' and c.deleted_at is null
   and (c.created_at, c.id) < (:'after_time'::timestamptz, :'after_id'::uuid)
 order by c.created_at desc, c.id desc limit 51;
