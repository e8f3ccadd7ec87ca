using Microsoft.Extensions.Options;

namespace OpsDash.Host.Setup;

/// <summary>
/// ASP.NET logs the raw request path in a few categories, and a path can carry a secret (the token
/// of <c>/invitations/{token}</c>). Those categories stay at a floor whatever the configuration says;
/// the request log (RequestLogMiddleware) names requests by their route template instead.
/// </summary>
public static class SecretPathLogging
{
    /// <summary>Each category that logs the raw path, and the least level it may log at.</summary>
    public static IReadOnlyList<(string Category, LogLevel Floor)> Floors { get; } =
    [
        // "Request starting/finished" lines, and the request scope (RequestPath) that every line logged
        // during a request carries; the scope exists whenever this category is enabled at all.
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None),
        // The matcher's debug lines ("candidate(s) found for the request path").
        ("Microsoft.AspNetCore.Routing", LogLevel.Information),
        // Static files (the /docs page) log the path at debug.
        ("Microsoft.AspNetCore.StaticFiles", LogLevel.Information),
        // Kestrel's bad-request lines can quote the request line.
        ("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Information),
    ];

    public static IServiceCollection AddSecretPathLogging(this IServiceCollection services) =>
        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, RaiseFloors>();

    /// <summary>
    /// Runs after the configuration's rules are bound (and again when they reload). A rule for one of
    /// these categories, or a more specific one, is raised to the floor; then a rule is added for every
    /// provider a rule names, so it wins over any less specific rule (the last of equally specific rules
    /// wins), at the floor or at the level the configuration already gives the category, whichever is
    /// higher: a floor never lowers a level (<c>Microsoft.AspNetCore: Warning</c> keeps routing's
    /// per-request "Executing endpoint" lines off).
    /// </summary>
    private sealed class RaiseFloors : IPostConfigureOptions<LoggerFilterOptions>
    {
        public void PostConfigure(string? name, LoggerFilterOptions options)
        {
            var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
            foreach (var (category, floor) in Floors)
            {
                for (var i = 0; i < options.Rules.Count; i++)
                {
                    var rule = options.Rules[i];
                    if (rule.CategoryName is { } named && named.StartsWith(category, StringComparison.Ordinal) && !(rule.LogLevel >= floor))
                    {
                        options.Rules[i] = new LoggerFilterRule(rule.ProviderName, rule.CategoryName, floor, rule.Filter);
                    }
                }

                foreach (var provider in providers)
                {
                    var configured = ConfiguredLevel(options, provider, category);
                    options.Rules.Add(new LoggerFilterRule(provider, category, configured > floor ? configured : floor, null));
                }
            }
        }

        // The level the existing rules give the category for the provider, chosen as the logging library chooses
        // (a rule naming the provider over one that names none, then the longest category prefix, then the last).
        private static LogLevel ConfiguredLevel(LoggerFilterOptions options, string? provider, string category)
        {
            LoggerFilterRule? best = null;
            foreach (var rule in options.Rules)
            {
                if (rule.Filter is not null || (rule.ProviderName is not null && rule.ProviderName != provider)
                    || (rule.CategoryName is { } named && !category.StartsWith(named, StringComparison.Ordinal)))
                {
                    continue;
                }

                if (best is null || Rank(rule) >= Rank(best))
                {
                    best = rule;
                }
            }

            return best?.LogLevel ?? options.MinLevel;
        }

        private static int Rank(LoggerFilterRule rule) =>
            (rule.ProviderName is not null ? 1 << 16 : 0) + (rule.CategoryName?.Length ?? 0);
    }
}
