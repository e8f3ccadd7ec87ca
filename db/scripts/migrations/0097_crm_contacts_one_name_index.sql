-- crm: one index for the contact's name instead of two (issue 22, item 6; docs/performance.md "crm.contacts'
-- indexes"). ix_contacts_sort_name (org_id, sort_name, id) serves the name order and its keyset; the prefix
-- search on the name is now a range with the default operators (sort_name >= @Low and sort_name < @High),
-- which are leakproof, so under row-level security they are index conditions on that same index. A range is
-- a prefix match only in byte order, so the column compares in the "C" collation whatever the database's
-- (the embedded cluster is initialised without a locale, i.e. "C", already; a database with another default
-- gets byte order for this one column: sort_name is lower case). Changing the collation rebuilds
-- ix_contacts_sort_name (no table rewrite); the prefix index goes first so it is not rebuilt for nothing.
drop index crm.ix_contacts_sort_name__prefix;
alter table crm.contacts alter column sort_name type text collate "C";
