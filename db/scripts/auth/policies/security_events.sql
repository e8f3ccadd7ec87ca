drop policy if exists security_events_self_select on auth.security_events;
create policy security_events_self_select on auth.security_events for select to opsdash_app
    using (user_id = core.current_user_id());
