-- Wakes idle workers (LISTEN jobs) when a job becomes due now; a notification is sent at commit,
-- so a rolled-back enqueue wakes nobody, and PostgreSQL folds duplicates within one transaction.
create or replace function jobs.notify_due() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform pg_notify('jobs', new.queue);
    return null;
end $$;
