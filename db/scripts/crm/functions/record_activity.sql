-- Only live contacts and deals of the org take activities; then their last_activity_at moves
-- forward (never back: a backdated note does not make a deal look quieter than it is).
create or replace function crm.record_activity() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if core.restoring() then
        return new; -- an organization import keeps the exported values (ADR 0023)
    end if;
    -- A planned meeting is not activity yet: it would keep a deal off the at-risk list until then.
    if new.occurred_at > now() + interval '5 minutes' then
        raise exception 'occurredAt must not be in the future' using errcode = 'OD400', hint = 'occurredAt';
    end if;
    if new.contact_id is not null then
        update crm.contacts c set last_activity_at = greatest(c.last_activity_at, new.occurred_at)
         where c.org_id = new.org_id and c.id = new.contact_id and c.deleted_at is null;
        if not found then
            raise exception 'Contact not found' using errcode = 'OD404';
        end if;
    end if;
    if new.deal_id is not null then
        update crm.deals d set last_activity_at = greatest(d.last_activity_at, new.occurred_at)
         where d.org_id = new.org_id and d.id = new.deal_id and d.deleted_at is null;
        if not found then
            raise exception 'Deal not found' using errcode = 'OD404';
        end if;
    end if;
    return new;
end $$;
