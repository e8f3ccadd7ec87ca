-- login, step one: a reservation for the account with this email and, when it is not locked, its
-- password hash. Unknown and locked accounts both come back with a null hash (an unknown email with
-- a reservation id bound to nothing); the caller verifies against a dummy hash then, so every path
-- does the same work.
create or replace function auth.begin_login(p_email text)
    returns table (reservation_id uuid, password_hash text, security_stamp integer)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_user uuid;
    v_stamp integer;
    v_hash text;
    v_reservation uuid;
begin
    select u.id, u.security_stamp into v_user, v_stamp from auth.users u where u.email = lower(btrim(p_email));
    if v_user is null then
        return query select gen_random_uuid(), null::text, null::integer;
        return;
    end if;
    v_hash := auth.reserve_password_check(v_user);
    -- Reservations are settled in the transaction that made them; one left behind is void after 5 minutes.
    delete from auth.login_reservations r where r.user_id = v_user and r.created_at < now() - interval '5 minutes';
    insert into auth.login_reservations (user_id, checked) values (v_user, v_hash is not null)
    returning id into v_reservation;
    return query select v_reservation, v_hash, v_stamp;
end $$;

grant execute on function auth.begin_login(text) to opsdash_app;
