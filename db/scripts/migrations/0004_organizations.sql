-- organizations: workspaces, profiles, plans and their limits, subscriptions, feature flags, audit log.
create schema organizations;
grant usage on schema organizations to opsdash_app;

-- Plans and what they allow. Reference data a DBA edits; visible to everyone, written by no app.
create table organizations.plans (
    key         text    primary key check (key ~ '^[a-z]+$'),
    name        text    not null,
    price_cents integer not null check (price_cents >= 0),
    sort_order  integer not null
);

create table organizations.features (
    key             text    primary key check (key ~ '^[a-z]+:[a-z_]+$'),
    description     text    not null,
    -- a counted feature has a numeric cap per plan; a gate is simply on or off per plan
    is_counted      boolean not null,
    default_enabled boolean not null default true
);

create table organizations.plan_limits (
    plan_key    text    not null references organizations.plans (key),
    feature_key text    not null references organizations.features (key),
    enabled     boolean not null default true,
    limit_value bigint  check (limit_value >= 0), -- null: unlimited
    primary key (plan_key, feature_key)
);

-- Slugs that would shadow app routes. The API validator (Workspaces/OrgSlug.cs) holds the same
-- list so a client gets a per-field message; this keeps a bug or a DBA from ever storing one.
create function organizations.is_reserved_slug(p_slug text) returns boolean
    language sql immutable parallel safe
    as $$ select p_slug = any (array['api', 'admin', 'app', 'new', 'settings', 'orgs', 'me', 'auth', 'docs', 'health', 'www']) $$;

create table organizations.organizations (
    id                    uuid        primary key default gen_random_uuid(),
    name                  text        not null check (length(btrim(name)) between 1 and 100),
    slug                  text        not null check (slug ~ '^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$')
                                      constraint organizations_slug_not_reserved check (not organizations.is_reserved_slug(slug)),
    type                  text        not null check (type in ('personal', 'team')),
    billing_owner_user_id uuid        not null references auth.users (id),
    logo_url              text        check (logo_url ~ '^https://' and length(logo_url) <= 2048),
    created_by            uuid        references auth.users (id),
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    deleted_at            timestamptz
);
-- Slugs stay reserved after a soft delete, so old links never reach a different workspace.
create unique index organizations_slug_key on organizations.organizations (slug);
create unique index organizations_one_personal_per_user on organizations.organizations (billing_owner_user_id) where type = 'personal';
create index organizations_billing_owner_idx on organizations.organizations (billing_owner_user_id) where deleted_at is null;
create trigger organizations_touch before update on organizations.organizations for each row execute function core.touch_updated_at();

-- The profile (Supabase's public.users): one per auth user, created by the signup trigger.
create table organizations.profiles (
    id             uuid        primary key references auth.users (id) on delete cascade,
    email          text        not null,
    full_name      text        check (length(full_name) <= 200),
    avatar_url     text        check (avatar_url ~ '^https://' and length(avatar_url) <= 2048),
    current_org_id uuid        references organizations.organizations (id),
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
create trigger profiles_touch before update on organizations.profiles for each row execute function core.touch_updated_at();

-- One subscription per personal org: the billing anchor. Team orgs use their billing owner's.
create table organizations.subscriptions (
    org_id                 uuid        not null references organizations.organizations (id),
    id                     uuid        not null default gen_random_uuid(),
    plan_key               text        not null references organizations.plans (key),
    status                 text        not null default 'active' check (status in ('active', 'trialing', 'past_due', 'canceled')),
    stripe_customer_id     text,
    stripe_subscription_id text,
    current_period_end     timestamptz,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    primary key (org_id, id),
    unique (org_id)
);
create trigger subscriptions_touch before update on organizations.subscriptions for each row execute function core.touch_updated_at();

-- Per-org switches on top of the plan; allowed_roles (null = every role) lets admins restrict a feature.
create table organizations.feature_flags (
    org_id        uuid        not null references organizations.organizations (id),
    feature_key   text        not null references organizations.features (key),
    enabled       boolean     not null,
    allowed_roles text[]      check (allowed_roles <@ array['owner', 'admin', 'member', 'viewer']),
    updated_at    timestamptz not null default now(),
    primary key (org_id, feature_key)
);
create trigger feature_flags_touch before update on organizations.feature_flags for each row execute function core.touch_updated_at();

-- Append-only for the app: it may insert and read, never update or delete.
create table organizations.audit_logs (
    org_id        uuid        not null references organizations.organizations (id),
    id            bigint      generated always as identity,
    actor_user_id uuid        references auth.users (id),
    action        text        not null check (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    entity_type   text,
    entity_id     text,
    metadata      jsonb       not null default '{}'::jsonb,
    created_at    timestamptz not null default now(),
    primary key (org_id, id)
);
create index audit_logs_org_action_idx on organizations.audit_logs (org_id, action, id desc);
create index audit_logs_org_actor_idx on organizations.audit_logs (org_id, actor_user_id, id desc);

-- Defaults from the published pricing (Free $0 / Pro $29 / Enterprise $99 a month).
insert into organizations.plans (key, name, price_cents, sort_order) values
    ('free', 'Free', 0, 1),
    ('pro', 'Pro', 2900, 2),
    ('enterprise', 'Enterprise', 9900, 3);

insert into organizations.features (key, description, is_counted) values
    ('crm:contacts', 'Contacts', true),
    ('crm:companies', 'Companies', true),
    ('crm:deals', 'Deals', true),
    ('crm:leads', 'Leads', true),
    ('crm:import', 'CSV import of contacts', false),
    ('crm:bulk', 'Bulk update and delete', false),
    ('crm:quotes', 'Deal quotes and PDF export', false),
    ('crm:enrichment', 'Company enrichment', false),
    ('projects:crud', 'Projects', true),
    ('projects:time_tracking', 'Task time entries', false),
    ('projects:milestones', 'Milestones', false),
    ('automation:workflows', 'Workflow triggers', true),
    ('automation:run_history', 'Workflow run history', false),
    ('members:seats', 'Members and pending invitations per workspace', true),
    ('orgs:team', 'Team workspaces per billing owner', true),
    ('platform:api_keys', 'API keys', false),
    ('platform:webhooks', 'Outbound webhooks', false),
    ('platform:export', 'Full data export (ZIP)', false),
    ('platform:audit_log', 'Audit log viewer', false),
    ('platform:ai_insights', 'AI insights', false);

insert into organizations.plan_limits (plan_key, feature_key, enabled, limit_value)
select p.plan_key, v.feature_key, v.enabled[p.i], v.limits[p.i]
  from (values ('free', 1), ('pro', 2), ('enterprise', 3)) as p (plan_key, i)
 cross join (values
    --  feature                   enabled free/pro/ent            limit free/pro/ent (null = unlimited)
    ('crm:contacts',           array[true, true, true],   array[250, 10000, null]::bigint[]),
    ('crm:companies',          array[true, true, true],   array[100, 5000, null]::bigint[]),
    ('crm:deals',              array[true, true, true],   array[100, 5000, null]::bigint[]),
    ('crm:leads',              array[true, true, true],   array[250, 10000, null]::bigint[]),
    ('crm:import',             array[false, true, true],  array[null, null, null]::bigint[]),
    ('crm:bulk',               array[false, true, true],  array[null, null, null]::bigint[]),
    ('crm:quotes',             array[false, true, true],  array[null, null, null]::bigint[]),
    ('crm:enrichment',         array[true, true, true],   array[null, null, null]::bigint[]),
    ('projects:crud',          array[true, true, true],   array[3, 100, null]::bigint[]),
    ('projects:time_tracking', array[false, true, true],  array[null, null, null]::bigint[]),
    ('projects:milestones',    array[false, true, true],  array[null, null, null]::bigint[]),
    ('automation:workflows',   array[true, true, true],   array[2, 50, null]::bigint[]),
    ('automation:run_history', array[false, true, true],  array[null, null, null]::bigint[]),
    ('members:seats',          array[true, true, true],   array[3, 25, null]::bigint[]),
    ('orgs:team',              array[true, true, true],   array[1, 5, null]::bigint[]),
    ('platform:api_keys',      array[false, false, true], array[null, null, null]::bigint[]),
    ('platform:webhooks',      array[false, false, true], array[null, null, null]::bigint[]),
    ('platform:export',        array[false, true, true],  array[null, null, null]::bigint[]),
    ('platform:audit_log',     array[true, true, true],   array[null, null, null]::bigint[]),
    ('platform:ai_insights',   array[false, true, true],  array[null, null, null]::bigint[])
 ) as v (feature_key, enabled, limits);

grant select on organizations.plans, organizations.features, organizations.plan_limits to opsdash_app;
grant select, update (name, slug, logo_url) on organizations.organizations to opsdash_app;
grant select, update (full_name, avatar_url, current_org_id) on organizations.profiles to opsdash_app;
grant select on organizations.subscriptions to opsdash_app;
grant select, insert, update (enabled, allowed_roles) on organizations.feature_flags to opsdash_app;
grant select, insert on organizations.audit_logs to opsdash_app;
