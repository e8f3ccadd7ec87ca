-- Reference data: readable by all, written only by migrations.
drop policy if exists plans_read on organizations.plans;
create policy plans_read on organizations.plans for select to opsdash_app using (true);
