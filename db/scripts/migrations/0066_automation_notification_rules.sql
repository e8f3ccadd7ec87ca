-- Issue 17 item 5, notifications:
-- * The insert policy admitted any member's request, viewers included, although a viewer writes
--   nothing in an org. Notifications are written by the org's jobs (which count as a writer of their
--   org, 0016) and may be by a writer's request; never by a viewer's.
-- * A subscriber runs at least once (ADR 0010): a task.assigned job delivered twice notified twice.
--   A sender names what caused a notification (source_key, e.g. the event's id); one per recipient
--   per source, the second insert does nothing (on conflict against the index below).
drop policy notifications_insert on automation.notifications;
create policy notifications_insert on automation.notifications for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

alter table automation.notifications
    add column source_key text constraint ck_notifications_source_key check (char_length(source_key) between 1 and 200);
create unique index uq_notifications_source_key on automation.notifications (org_id, user_id, source_key) where source_key is not null;
