-- The prelude of a unit of work's first statement (or of every statement of a read served without an explicit
-- transaction): applies the tenant context transaction-locally and checks the access token's session, in the
-- same round trip as the statement it is sent with. A session that ended raises ODE01, so the statement sent
-- with it does not run (the Host answers 401). p_read_only makes the rest of the transaction read-only: a read
-- served in implicit transactions (ADR 0025) must not write, since each of its statements commits on its own.
-- p_token_user is the caller when an access token is in play (null when the server itself set the user).
create or replace function core.enter_context(
    p_user_id uuid, p_org_id uuid, p_system boolean, p_api_key_id uuid, p_inbound_hook_id uuid,
    p_token_user uuid, p_stamp integer, p_session uuid, p_read_only boolean)
    returns void
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p_read_only then
        perform set_config('transaction_read_only', 'on', true);
    end if;
    perform set_config('app.user_id', coalesce(p_user_id::text, ''), true),
            set_config('app.org_id', coalesce(p_org_id::text, ''), true),
            set_config('app.system', case when p_system then 'on' else '' end, true),
            set_config('app.api_key_id', coalesce(p_api_key_id::text, ''), true),
            set_config('app.inbound_hook_id', coalesce(p_inbound_hook_id::text, ''), true);
    if not auth.access_token_is_current(p_token_user, p_stamp, p_session) then
        raise exception 'This session has ended.' using errcode = 'ODE01';
    end if;
end $$;

grant execute on function core.enter_context(uuid, uuid, boolean, uuid, uuid, uuid, integer, uuid, boolean) to opsdash_app;
