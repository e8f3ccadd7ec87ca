-- ASP.NET Data Protection's key ring, shared by every Host (issue 17, ADR 0019): the keys that seal
-- the /ops cookie and its antiforgery tokens. Each row is one XML element as Data Protection writes
-- it; the key's secret inside it is sealed by the Host (AES-256-GCM under a key derived from
-- Auth:Jwt:SigningKey), so this table alone, or a dump of it, opens nothing.
--
-- Who may read it: nobody directly (FORCE RLS, no policy, no grant on the table). The Host's key
-- ring reads and writes it through the two functions below, on an opsdash_jobs connection with no
-- context at all. opsdash_app (every request) may not even use the schema, and tenant work on the
-- jobs role always runs in a context (a job's system context, a request's user), which the
-- functions refuse, so a statement slipped into a tenant path cannot read the keys.
create schema keyring authorization opsdash_owner;
grant usage on schema keyring to opsdash_jobs;

create table keyring.data_protection_keys (
    id            bigint      generated always as identity,
    friendly_name text        not null,
    xml           text        not null,
    created_at    timestamptz not null default now(),
    constraint pk_data_protection_keys primary key (id),
    constraint ck_data_protection_keys_friendly_name check (length(friendly_name) between 1 and 200),
    constraint ck_data_protection_keys_xml check (length(xml) between 1 and 100000)
);

alter table keyring.data_protection_keys enable row level security;
alter table keyring.data_protection_keys force row level security;

create function keyring.require_key_ring_caller() returns void
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if session_user <> 'opsdash_jobs' or core.is_system()
       or core.current_user_id() is not null or core.current_org_id() is not null then
        raise exception 'only the Host''s key ring reads or writes data protection keys' using errcode = '42501';
    end if;
end $$;

create function keyring.read_keys() returns table (friendly_name text, xml text)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform keyring.require_key_ring_caller();
    return query select k.friendly_name, k.xml from keyring.data_protection_keys k order by k.id;
end $$;

-- Keys are only added (a revocation is an element of its own); nothing updates or deletes them.
create function keyring.store_key(p_friendly_name text, p_xml text) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform keyring.require_key_ring_caller();
    insert into keyring.data_protection_keys (friendly_name, xml) values (p_friendly_name, p_xml);
end $$;

revoke execute on function keyring.require_key_ring_caller(), keyring.read_keys(), keyring.store_key(text, text) from public;
grant execute on function keyring.read_keys(), keyring.store_key(text, text) to opsdash_jobs;
