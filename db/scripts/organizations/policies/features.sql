drop policy if exists features_read on organizations.features;
create policy features_read on organizations.features for select to opsdash_app using (true);
