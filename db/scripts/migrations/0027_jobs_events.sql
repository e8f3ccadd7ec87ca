-- One mechanism for events and jobs (issue 8, ADR 0010): an integration event is queued as one job
-- per subscriber in jobs.jobs (kind '<event type>.<subscriber>', args the event plus its eventId),
-- so core.outbox_messages goes. Its pending messages become the jobs of their one subscriber today,
-- the module that sends the email; a type without a known subscriber keeps its type as the kind,
-- which the worker parks as dead ("no handler") where a DBA sees it, rather than being dropped.
insert into jobs.jobs (kind, args, org_id, run_at, created_at, last_error)
select case o.type
           when 'email.invitation' then 'email.invitation.send_email'
           when 'email.verify_email' then 'email.verify_email.send_email'
           when 'email.signup_existing_account' then 'email.signup_existing_account.send_email'
           else o.type
       end,
       case when jsonb_typeof(o.payload) = 'object' then o.payload else '{}'::jsonb end || jsonb_build_object('eventId', o.id),
       o.org_id,
       o.available_at,
       o.created_at,
       left(o.last_error, 4000)
  from core.outbox_messages o
 where o.processed_at is null
   -- jobs.jobs references its org; a message of an org that no longer exists has nobody to reach.
   and (o.org_id is null or exists (select 1 from organizations.organizations g where g.id = o.org_id))
 order by o.created_at;

drop table core.outbox_messages;
