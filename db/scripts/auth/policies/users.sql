-- A user sees and changes only their own row; signing up means inserting yourself.
drop policy if exists users_self_select on auth.users;
create policy users_self_select on auth.users for select to opsdash_app using (id = core.current_user_id());

drop policy if exists users_self_insert on auth.users;
create policy users_self_insert on auth.users for insert to opsdash_app with check (id = core.current_user_id());

drop policy if exists users_self_update on auth.users;
create policy users_self_update on auth.users for update to opsdash_app
    using (id = core.current_user_id()) with check (id = core.current_user_id());
