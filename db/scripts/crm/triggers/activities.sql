create or replace trigger activities_record before insert on crm.activities for each row execute function crm.record_activity();
