-- The role an API key acts with in its org (ADR 0021): 'member' (may write) when any of its scopes
-- writes, 'viewer' otherwise; never owner or admin. Which module it may read or write is checked
-- per route (ApiKeyScopes); this is what RLS sees.
create or replace function members.api_key_role(p_scopes text[]) returns text
    language sql immutable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select case when exists (select 1 from unnest(p_scopes) s where s like '%:write') then 'member' else 'viewer' end $$;

grant execute on function members.api_key_role(text[]) to opsdash_app;
