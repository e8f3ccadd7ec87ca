-- crm: at most N CSV transfers (contact imports and exports) of one org run at once (issue 17, item 3;
-- ADR 0018). A transfer holds its place from before the upload is read or the file is written until its
-- last byte is sent, and the slow part holds no connection, so the place is a committed row with a lease
-- rather than a lock: taken and ended in short transactions of their own, renewed while the transfer
-- runs, and free again when its lease runs out (a Host that died mid-transfer).
create table crm.transfers (
    org_id     uuid        not null,
    id         uuid        not null,
    kind       text        not null constraint ck_transfers_kind check (kind in ('import', 'export')),
    user_id    uuid        not null,
    started_at timestamptz not null default now(),
    expires_at timestamptz not null,
    constraint pk_transfers primary key (org_id, id),
    constraint fk_transfers_org_id foreign key (org_id) references organizations.organizations (id)
);

-- Only the functions below touch it (no grants to the app).
alter table crm.transfers enable row level security;
alter table crm.transfers force row level security;

-- A place for a transfer of the current org, or null when p_max of them hold a live lease. Takers of
-- one org queue on a transaction lock for the moment this takes, so a burst can never pass p_max; the
-- caller commits at once (the place must be visible to the others, and the lock released).
create function crm.take_transfer(p_kind text, p_max integer, p_lease_seconds integer) returns uuid
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org constant uuid := core.current_org_id();
    v_id uuid;
begin
    if v_org is null or not v_org = any (members.member_org_ids()) then
        raise exception 'Organization not found' using errcode = 'OD404';
    end if;
    if p_max < 1 or p_lease_seconds < 1 then
        raise exception 'A transfer needs at least one place and a lease' using errcode = 'OD400', hint = 'transfers';
    end if;
    perform pg_advisory_xact_lock(hashtextextended('transfers:' || v_org::text, 0));
    delete from crm.transfers t where t.org_id = v_org and t.expires_at <= clock_timestamp();
    if (select count(*) from crm.transfers t where t.org_id = v_org) >= p_max then
        return null;
    end if;
    v_id := gen_random_uuid();
    insert into crm.transfers (org_id, id, kind, user_id, expires_at)
    values (v_org, v_id, p_kind, core.current_user_id(), clock_timestamp() + make_interval(secs => p_lease_seconds));
    return v_id;
end $$;

-- Extends a running transfer's lease; false when it is gone (its lease ran out and another took its place).
create function crm.renew_transfer(p_id uuid, p_lease_seconds integer) returns boolean
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    update crm.transfers t set expires_at = clock_timestamp() + make_interval(secs => p_lease_seconds)
     where t.org_id = core.current_org_id() and t.id = p_id;
    return found;
end $$;

-- Frees the place of a finished transfer (the id is the request's own random uuid).
create function crm.end_transfer(p_id uuid) returns boolean
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    delete from crm.transfers t where t.org_id = core.current_org_id() and t.id = p_id;
    return found;
end $$;

revoke execute on function crm.take_transfer(text, integer, integer), crm.renew_transfer(uuid, integer), crm.end_transfer(uuid) from public;
grant execute on function crm.take_transfer(text, integer, integer), crm.renew_transfer(uuid, integer), crm.end_transfer(uuid) to opsdash_app;
