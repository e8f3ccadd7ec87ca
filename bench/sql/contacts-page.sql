-- GET /api/v1/orgs/{slug}/contacts (created desc, 50 per page) as ListContacts sends it, for EXPLAIN
-- as opsdash_app in bench/crm-list.sh; :after_time / :after_id are the cursor (null for page 1).
-- Keep in step with ListContacts.Filtered + CreatedDesc (tests/OpsDash.Tests/Crm/ContactQueryPlanTests
-- checks the real constants' plan on 20,000 rows).
select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id,
       (select co.name from crm.companies co
         where co.org_id = c.org_id and co.id = c.company_id and co.deleted_at is null) as company_name,
       c.owner_user_id, c.tags, c.created_at, c.updated_at, c.sort_name
  from crm.contacts c
 where c.org_id = :'org' and c.deleted_at is null
   and (:'low'::text is null
        or (c.sort_name ~>=~ :'low'::text and c.sort_name ~<~ :'high'::text)
        or (c.last_name_key ~>=~ :'low'::text and c.last_name_key ~<~ :'high'::text)
        or (c.email ~>=~ :'low'::text and c.email ~<~ :'high'::text)
        or (c.phone ~>=~ :'low'::text and c.phone ~<~ :'high'::text))
   and (null::uuid is null or c.company_id = null::uuid)
   and (null::uuid is null or c.owner_user_id = null::uuid)
   and (null::text[] is null or c.tags @> null::text[])
   and (null::timestamptz is null or c.created_at >= null::timestamptz)
   and (null::timestamptz is null or c.created_at < null::timestamptz)
   and (:'after_id'::uuid is null or (c.created_at, c.id) < (:'after_time'::timestamptz, :'after_id'::uuid))
 order by c.created_at desc, c.id desc limit 51;
