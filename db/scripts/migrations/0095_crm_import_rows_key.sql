-- crm: the staging table's key leads with org_id like every tenant table's (docs/scaling.md: distributing
-- by org_id needs it). The table never holds committed rows, so the swap is instant.
alter table crm.contact_import_rows drop constraint pk_contact_import_rows;
alter table crm.contact_import_rows add constraint pk_contact_import_rows primary key (org_id, import_id, row_no);
