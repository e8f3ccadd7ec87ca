-- members: who belongs to which organization, and pending invitations.
create schema members;
grant usage on schema members to opsdash_app;

create table members.org_members (
    org_id     uuid        not null references organizations.organizations (id),
    id         uuid        not null default gen_random_uuid(),
    user_id    uuid        not null references auth.users (id) on delete cascade,
    role       text        not null check (role in ('owner', 'admin', 'member', 'viewer')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (org_id, id),
    unique (org_id, user_id)
);
create index org_members_user_idx on members.org_members (user_id);
create trigger org_members_touch before update on members.org_members for each row execute function core.touch_updated_at();

create table members.invitations (
    org_id      uuid        not null references organizations.organizations (id),
    id          uuid        not null default gen_random_uuid(),
    email       text        not null check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$'),
    role        text        not null check (role in ('owner', 'admin', 'member', 'viewer')),
    -- SHA-256 of the single-use token; the token itself is only ever in the invitee's link
    token_hash  bytea       not null unique,
    invited_by  uuid        not null references auth.users (id),
    expires_at  timestamptz not null,
    accepted_at timestamptz,
    accepted_by uuid        references auth.users (id),
    created_at  timestamptz not null default now(),
    primary key (org_id, id)
);
create unique index invitations_one_pending_per_email on members.invitations (org_id, email) where accepted_at is null;

grant select on members.org_members to opsdash_app;
grant select, insert, delete on members.invitations to opsdash_app;
