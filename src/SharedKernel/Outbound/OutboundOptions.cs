namespace OpsDash.SharedKernel.Outbound;

/// <summary>Configuration section <c>Outbound</c>: the one HTTP client for calls to third parties.</summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Outbound";

    /// <summary>A whole call, from connect to the last byte of the answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Answers larger than this are refused rather than read.</summary>
    public long MaxResponseBytes { get; set; } = 1_048_576;

    /// <summary>
    /// <c>host:port</c> pairs dialled without the address check (e.g. a local fake server in tests).
    /// Empty by default: production never needs to reach a private address.
    /// </summary>
    public List<string> AllowedEndpoints { get; set; } = [];

    /// <summary>
    /// Plain http, to a loopback host only: set from the environment (Development and Testing), never from configuration,
    /// so production sends only https.
    /// </summary>
    public bool AllowHttpToLoopback { get; set; }
}
