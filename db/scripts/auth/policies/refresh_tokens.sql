drop policy if exists refresh_tokens_self on auth.refresh_tokens;
create policy refresh_tokens_self on auth.refresh_tokens for all to opsdash_app
    using (user_id = core.current_user_id()) with check (user_id = core.current_user_id());
