drop policy if exists plan_limits_read on organizations.plan_limits;
create policy plan_limits_read on organizations.plan_limits for select to opsdash_app using (true);
