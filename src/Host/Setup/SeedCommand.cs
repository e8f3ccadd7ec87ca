using System.Diagnostics;
using Dapper;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Host.Setup;

/// <summary>
/// <c>./run.sh seed (--email ADDRESS | --org SLUG) [--contacts N] [--companies N] [--deals N] [--activities N] | --demo</c>:
/// fills an org with generated CRM data as the owner role, set-based in SQL (0044, 0049), after migrating.
/// <c>--email</c> picks the user's personal org; <c>--demo</c> is a small set (60 contacts, 12 companies,
/// 24 deals across the pipeline, 30 activities, half of it owned by that user) so every screen has data.
/// The default is the benchmark's org: 1,000,000 contacts, 50,000 companies, 200,000 deals. Steps commit
/// one by one, contacts and deals in <c>--parallel</c> parts (default: one per core); seeding again adds
/// only what is missing.
/// </summary>
public static class SeedCommand
{
    private const string OrgBySlugSql = """
        select o.id as OrgId,
               (select m.user_id from members.org_members m where m.org_id = o.id and m.role = 'owner' order by m.created_at limit 1) as OwnerUserId
          from organizations.organizations o
         where o.slug = @Slug and o.deleted_at is null
        """;

    private const string OrgByEmailSql = """
        select o.id as OrgId, u.id as OwnerUserId
          from auth.users u
          join organizations.organizations o on o.billing_owner_user_id = u.id and o.type = 'personal' and o.deleted_at is null
         where u.email = lower(@Email)
        """;

    // One step per seeded area, in order (each later module adds its own): a step's parts run in parallel
    // connections, each its own transaction; then its tables are analyzed, before the next step's foreign
    // keys and triggers plan their lookups on them (0049).
    private sealed record Step(string Name, string Sql, bool Parallel, string Analyze);

    private static readonly Step[] Steps =
    [
        new("companies", "select crm.seed_companies(@OrgId, @Companies)", false, "analyze crm.companies"),
        new("contacts", "select crm.seed_contacts(@OrgId, @Contacts, @Companies, @OwnerUserId, @Part, @Parts)", true, "analyze crm.contacts"),
        new("deals", "select crm.seed_deals(@OrgId, @Deals, @Contacts, @Companies, @OwnerUserId, @Part, @Parts)", true, "analyze crm.deals; analyze crm.deal_stage_history"),
        new("activities", "select crm.seed_activities(@OrgId, @Activities, @Deals, @OwnerUserId)", false, "analyze crm.activities"),
    ];

    public sealed record Options(string? Email, string? Slug, int Contacts, int Companies, int Deals = 0, int Activities = 0, int Parallel = 1);

    public static async Task<int> RunAsync(IConfiguration configuration, string[] args)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("seed");
        if (Parse(args) is not { } options)
        {
            Console.Error.WriteLine("Usage: seed (--email ADDRESS | --org SLUG) [--contacts N] [--companies N] [--deals N] [--activities N] [--parallel N] [--demo]");
            return 2;
        }

        var settings = configuration.GetSection("Database").Get<DatabaseSettings>() ?? new DatabaseSettings();
        DatabaseBootstrap.Server? server = null;
        try
        {
            server = await DatabaseBootstrap.StartAsync(settings, logger);
            await new MigrationRunner(server.Owner, settings.ResolveScriptsPath(), logger).MigrateAsync(dryRun: false);
            return await SeedAsync(server.Owner, options, Console.Out) ? 0 : 1;
        }
        finally
        {
            if (server?.Embedded is { } embedded && settings.Embedded.StopOnShutdown)
            {
                await embedded.StopAsync();
            }
        }
    }

    /// <summary>Seeds the org <paramref name="options"/> names; false when there is no such org.</summary>
    public static async Task<bool> SeedAsync(string ownerConnectionString, Options options, TextWriter output)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        var target = await connection.QuerySingleOrDefaultAsync<(Guid OrgId, Guid OwnerUserId)?>(
            options.Email is not null ? OrgByEmailSql : OrgBySlugSql, new { options.Email, options.Slug });
        if (target is not { } org)
        {
            await output.WriteLineAsync($"No such org: {options.Email ?? options.Slug}.");
            return false;
        }

        var clock = Stopwatch.StartNew();
        foreach (var step in Steps)
        {
            var parts = step.Parallel ? Math.Max(1, options.Parallel) : 1;
            var counts = await Task.WhenAll(Enumerable.Range(0, parts).Select(part => RunPartAsync(ownerConnectionString, step, options, org, part, parts)));
            await connection.ExecuteAsync(new CommandDefinition(step.Analyze, commandTimeout: 0));
            await output.WriteLineAsync($"  {counts.Sum()} {step.Name}");
        }

        await output.WriteLineAsync($"Seeded org {org.OrgId} in {clock.Elapsed.TotalSeconds:F1} s.");
        return true;
    }

    private static async Task<long> RunPartAsync(string ownerConnectionString, Step step, Options options, (Guid OrgId, Guid OwnerUserId) org, int part, int parts)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            step.Sql,
            new { org.OrgId, options.Contacts, options.Companies, options.Deals, options.Activities, org.OwnerUserId, Part = part, Parts = parts },
            tx,
            commandTimeout: 0));
        await tx.CommitAsync();
        return count;
    }

    private static Options? Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Count(string name, int fallback) => Value(name) is { } v && int.TryParse(v, out var n) && n >= 0 ? n : fallback;

        var demo = args.Contains("--demo");
        var options = new Options(
            Value("--email"), Value("--org"), Count("--contacts", demo ? 60 : 1_000_000), Count("--companies", demo ? 12 : 50_000),
            Count("--deals", demo ? 24 : 200_000), Count("--activities", demo ? 30 : 0),
            Math.Clamp(Count("--parallel", Environment.ProcessorCount), 1, 8));
        return options.Email is null == (options.Slug is null) ? null : options;
    }
}
