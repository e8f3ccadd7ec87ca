-- The default pipeline, inserted once per org (after the lock, only when the org has no stage at all:
-- the rule above means an org that was seeded never has none).
create or replace function crm.seed_pipeline_stages(p_org uuid) returns void
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(p_org);
    if exists (select 1 from crm.pipeline_stages s where s.org_id = p_org) then
        return;
    end if;
    insert into crm.pipeline_stages (org_id, id, name, position, is_won, is_lost, probability)
    select p_org, gen_random_uuid(), v.name, v.position, v.is_won, v.is_lost, v.probability
      from (values ('Lead', 0, false, false, 10), ('Qualified', 1, false, false, 25), ('Proposal', 2, false, false, 50),
                   ('Negotiation', 3, false, false, 75), ('Won', 4, true, false, 100), ('Lost', 5, false, true, 0))
           as v (name, position, is_won, is_lost, probability);
end $$;
