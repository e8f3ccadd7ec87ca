-- crm: one index for the contact's email instead of two (issue 22, item 6; docs/performance.md "crm.contacts'
-- indexes"). The unique index is rebuilt in the pattern operator class, so it serves both the email's uniqueness
-- (that class's equality is the default one, byte-wise, whatever the collation; the import's ON CONFLICT infers it
-- by its columns and predicate) and the list's prefix search (email ~>=~ @Low and email ~<~ @High; a row that
-- matches has an email, so the predicate "email is not null" holds). Every contact insert writes one index entry
-- fewer. A plain CREATE INDEX (writes to crm.contacts wait while it builds: seconds for a million rows), as every
-- migration here runs in a transaction.
create unique index uq_contacts_email_pattern on crm.contacts (org_id, email text_pattern_ops) where deleted_at is null and email is not null;
drop index crm.ix_contacts_email__prefix;
drop index crm.uq_contacts_email;
alter index crm.uq_contacts_email_pattern rename to uq_contacts_email;
