create or replace trigger leads_touch before update on crm.leads for each row execute function core.touch_updated_at();

-- crm.daily_counts (0088): new leads per UTC day, for the dashboard.
create or replace trigger leads_count_insert after insert on crm.leads referencing new table as new_rows
    for each statement execute function crm.count_daily_records();
create or replace trigger leads_count_update after update on crm.leads referencing old table as old_rows new table as new_rows
    for each statement execute function crm.count_daily_records();
create or replace trigger leads_count_delete after delete on crm.leads referencing old table as old_rows
    for each statement execute function crm.count_daily_records();
