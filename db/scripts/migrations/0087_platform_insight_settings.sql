-- platform: per-org thresholds of the rule-based insights (issue 21). One row per org once an admin
-- saved them; until then the defaults below apply (the read coalesces them the same way).
create table platform.insight_settings (
    org_id                    uuid        not null,
    deal_at_risk_days         integer     not null default 7
                              constraint ck_insight_settings_deal_at_risk_days check (deal_at_risk_days between 1 and 365),
    deal_stalled_days         integer     not null default 30
                              constraint ck_insight_settings_deal_stalled_days check (deal_stalled_days between 1 and 365),
    task_due_soon_days        integer     not null default 3
                              constraint ck_insight_settings_task_due_soon_days check (task_due_soon_days between 1 and 90),
    task_resolution_days      integer     not null default 14
                              constraint ck_insight_settings_task_resolution_days check (task_resolution_days between 1 and 365),
    lead_first_response_hours integer     not null default 24
                              constraint ck_insight_settings_lead_first_response_hours check (lead_first_response_hours between 1 and 720),
    updated_at                timestamptz not null default now(),
    constraint pk_insight_settings primary key (org_id),
    constraint fk_insight_settings_org_id foreign key (org_id) references organizations.organizations (id)
);

alter table platform.insight_settings enable row level security;
alter table platform.insight_settings force row level security;

grant select, insert on platform.insight_settings to opsdash_app;
grant update (deal_at_risk_days, deal_stalled_days, task_due_soon_days, task_resolution_days, lead_first_response_hours, updated_at)
    on platform.insight_settings to opsdash_app;
