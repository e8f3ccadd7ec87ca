using System.Text.RegularExpressions;
using Npgsql;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// Everything the migrations define in our schemas, read from the catalog as "kind key" -> definition: functions
/// (pg_get_functiondef and who may execute them), views, policies, triggers, grants on tables, views, columns and
/// schemas, columns, constraints, indexes, RLS flags and default privileges. Two databases with equal catalogs
/// behave the same.
/// </summary>
public static partial class SchemaCatalog
{
    private const string CatalogSql = """
        with s as (select oid, nspname from pg_namespace
                    where nspname in ('core', 'auth', 'organizations', 'members', 'jobs', 'keyring', 'crm', 'projects', 'automation', 'platform'))
        select 'function ' || s.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')',
               pg_get_functiondef(p.oid) || ' grants: ' || coalesce((select string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ',' order by 1) from aclexplode(p.proacl) a), '')
          from pg_proc p join s on s.oid = p.pronamespace
        union all
        select 'view ' || s.nspname || '.' || c.relname, pg_get_viewdef(c.oid) from pg_class c join s on s.oid = c.relnamespace where c.relkind in ('v', 'm')
        union all
        select 'policy ' || schemaname || '.' || tablename || '.' || policyname, concat_ws(' | ', permissive, roles::text, cmd, qual, with_check)
          from pg_policies where schemaname in (select nspname from s)
        union all
        select 'trigger ' || s.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
          from pg_trigger t join pg_class c on c.oid = t.tgrelid join s on s.oid = c.relnamespace where not t.tgisinternal
        union all
        select 'grant ' || s.nspname || '.' || c.relname || ' ' || a.grantee::regrole::text || ' ' || a.privilege_type, ''
          from pg_class c join s on s.oid = c.relnamespace cross join lateral aclexplode(c.relacl) a
        union all
        select 'column-grant ' || table_schema || '.' || table_name || '.' || column_name || ' ' || grantee || ' ' || privilege_type, ''
          from information_schema.column_privileges where table_schema in (select nspname from s)
        union all
        select 'column ' || s.nspname || '.' || c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod) || ' not null=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
          from pg_attribute a join pg_class c on c.oid = a.attrelid join s on s.oid = c.relnamespace
          left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
         where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v')
        union all
        select 'constraint ' || c.conrelid::regclass::text || '.' || c.conname, pg_get_constraintdef(c.oid)
          from pg_constraint c join s on s.oid = c.connamespace
        union all
        select 'index ' || s.nspname || '.' || c.relname, pg_get_indexdef(c.oid) from pg_class c join s on s.oid = c.relnamespace where c.relkind = 'i'
        union all
        select 'relation ' || s.nspname || '.' || c.relname,
               c.relkind::text || ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity || ' owner=' || c.relowner::regrole::text
          from pg_class c join s on s.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'S', 'm')
        union all
        select 'schema-grant ' || s.nspname || ' ' || a.grantee::regrole::text || ' ' || a.privilege_type, ''
          from pg_namespace n join s on s.oid = n.oid cross join lateral aclexplode(n.nspacl) a
        union all
        select 'default-acl ' || d.defaclrole::regrole::text || ' ' || d.defaclobjtype::text, d.defaclacl::text from pg_default_acl d
        """;

    public static async Task<SortedDictionary<string, string>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var rows = await connection.QueryAsync<(string Key, string Definition)>(CatalogSql);
        return new SortedDictionary<string, string>(rows.ToDictionary(r => r.Key, r => r.Definition), StringComparer.Ordinal);
    }

    /// <summary>The differences, one line each ("only in ...", "differs: ..."), at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<string> Diff(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual, int max = 20) =>
        expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Select(key => (key, inExpected: expected.TryGetValue(key, out var e), e, inActual: actual.TryGetValue(key, out var a), a))
            .Where(d => !(d.inExpected && d.inActual && d.e == d.a))
            .Select(d => !d.inActual ? $"only in the expected database: {d.key}"
                : !d.inExpected ? $"only in the actual database: {d.key}"
                : $"differs: {d.key}\n  expected: {d.e}\n  actual:   {d.a}")
            .Take(max)
            .ToList();

    /// <summary>The catalog keys (function, view, policy, trigger) a re-appliable file defines.</summary>
    public static IReadOnlyList<string> DefinedIn(string sql) =>
    [
        .. FunctionRegex().Matches(sql).Select(m => $"function {m.Groups[1].Value}.{m.Groups[2].Value}(".ToLowerInvariant()),
        .. ViewRegex().Matches(sql).Select(m => $"view {m.Groups[1].Value}.{m.Groups[2].Value}".ToLowerInvariant()),
        .. PolicyRegex().Matches(sql).Select(m => $"policy {m.Groups[2].Value}.{m.Groups[1].Value}".ToLowerInvariant()),
        .. TriggerRegex().Matches(sql).Select(m => $"trigger {m.Groups[2].Value}.{m.Groups[1].Value}".ToLowerInvariant()),
    ];

    /// <summary>Whether a catalog key belongs to what a file defines (a function's signature; a view's grants and columns).</summary>
    public static bool Covers(string defined, string key) =>
        defined.StartsWith("function ", StringComparison.Ordinal)
            ? key.StartsWith(defined, StringComparison.Ordinal)
            : key == defined || (defined.StartsWith("view ", StringComparison.Ordinal) && ViewParts(defined[5..]).Any(p => key.StartsWith(p, StringComparison.Ordinal)));

    private static string[] ViewParts(string view) => [$"grant {view} ", $"column-grant {view}.", $"column {view}.", $"relation {view}"];

    [GeneratedRegex(@"create\s+or\s+replace\s+function\s+(\w+)\.(\w+)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex FunctionRegex();

    [GeneratedRegex(@"create\s+or\s+replace\s+view\s+(\w+)\.(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex ViewRegex();

    [GeneratedRegex(@"create\s+policy\s+(\w+)\s+on\s+(\w+\.\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex PolicyRegex();

    [GeneratedRegex(@"create\s+(?:or\s+replace\s+)?(?:constraint\s+)?trigger\s+(\w+)\s.*?\son\s+(\w+\.\w+)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TriggerRegex();
}
