namespace OpsDash.SharedKernel.Http;

/// <summary>Names of the rate-limit policies the Host defines and modules attach to their routes.</summary>
public static class RateLimitPolicies
{
    /// <summary>General API traffic, partitioned by user (or IP when anonymous).</summary>
    public const string Api = "api";

    /// <summary>Signup, login, refresh, invitation look-ups: stricter and per client IP, against credential stuffing.</summary>
    public const string Auth = "auth";
}
