-- A stage whose won/lost flags change carries its deals' status along. As the owner: status is
-- derived, so the app role gets no grant on it.
create or replace function crm.sync_deal_status() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    update crm.deals d
       set status = case when new.is_won then 'won' when new.is_lost then 'lost' else 'open' end
     where d.org_id = new.org_id and d.stage_id = new.id;
    return null;
end $$;
