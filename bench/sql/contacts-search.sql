-- GET /api/v1/orgs/{slug}/contacts?search=... (first page) as ListContacts composes it (the name range with the default operators, 0097).
select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id,
       case when c.company_id is not null then
           (select co.name from crm.companies co
             where co.org_id = c.org_id and co.id = c.company_id and co.deleted_at is null) end as company_name,
       c.owner_user_id, c.tags, c.created_at, c.updated_at, c.sort_name
  from crm.contacts c
 where c.org_id = :'org' and c.deleted_at is null
   and ((c.sort_name >= :'low' and c.sort_name < :'high')
        or (c.last_name_key ~>=~ :'low' and c.last_name_key ~<~ :'high')
        or (c.email ~>=~ :'low' and c.email ~<~ :'high')
        or (c.phone ~>=~ :'low' and c.phone ~<~ :'high'))
 order by c.created_at desc, c.id desc limit 51;
