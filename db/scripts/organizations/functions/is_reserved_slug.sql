-- Slugs that would shadow app routes. The API validator (Workspaces/OrgSlug.cs) holds the same
-- list so a client gets a per-field message; this keeps a bug or a DBA from ever storing one.
create or replace function organizations.is_reserved_slug(p_slug text) returns boolean
    language sql immutable parallel safe
    as $$ select p_slug = any (array['api', 'admin', 'app', 'new', 'settings', 'orgs', 'me', 'auth', 'docs', 'health', 'www']) $$;

grant execute on function organizations.is_reserved_slug(text) to opsdash_app;
