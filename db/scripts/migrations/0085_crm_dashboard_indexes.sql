-- crm: indexes for the dashboard's CRM statement and the insights' deal and lead rules (issue 21).
-- Each lets its part of the statement read the index alone (index-only scans), so the cost grows with
-- the index, not with the width of the deal rows: the 200,000-deal seed org stays well under the
-- dashboard's 200 ms (docs/performance.md).

-- Live deals per stage and currency, with their amounts: deals by stage and the open pipeline.
create index ix_deals_stage_currency on crm.deals (org_id, stage_id, currency) include (amount) where deleted_at is null;

-- Won and lost deals by when they were closed (the stage change into the won or lost stage): the win
-- rate and revenue of a date range.
create index ix_deals_closed_at on crm.deals (org_id, stage_changed_at) include (status, currency, amount)
    where deleted_at is null and status <> 'open';

-- Open deals by their last stage change: the stalled-deals insight, oldest first.
create index ix_deals_stage_changed_at on crm.deals (org_id, stage_changed_at, id) where deleted_at is null and status = 'open';
