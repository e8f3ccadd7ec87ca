-- Issue 21 items 3-4 (ADR 0023): an organization's full exports. One row per export; the ZIP itself is a
-- file under Platform:Exports:Directory, never in the database. Owners and admins read and delete their
-- org's rows (policies in db/scripts/platform/policies/org_exports.sql); the export job (the org's job
-- context) updates its own row; platform.purge_org_exports deletes expired ones.
create table platform.org_exports (
    org_id       uuid        not null,
    id           uuid        not null,
    state        text        not null default 'queued'
                 constraint ck_org_exports_state check (state in ('queued', 'running', 'ready', 'failed')),
    requested_by uuid,
    job_id       bigint,
    file_bytes   bigint,
    row_counts   jsonb,
    error        text        constraint ck_org_exports_error check (char_length(error) <= 2000),
    created_at   timestamptz not null default now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    expires_at   timestamptz not null,
    constraint pk_org_exports primary key (org_id, id),
    constraint fk_org_exports_org_id foreign key (org_id) references organizations.organizations (id)
);
create index ix_org_exports_expires_at on platform.org_exports (expires_at);

alter table platform.org_exports enable row level security;
alter table platform.org_exports force row level security;

grant usage on schema platform to opsdash_app;
grant select, insert, delete on platform.org_exports to opsdash_app;
grant update (state, job_id, file_bytes, row_counts, error, started_at, finished_at) on platform.org_exports to opsdash_app;
