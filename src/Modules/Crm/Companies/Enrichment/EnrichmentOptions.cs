namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>Configuration section <c>Crm:Enrichment</c>.</summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "Crm:Enrichment";

    /// <summary>A company is enriched at most once in this many hours (each run may be a paid lookup); 0 turns the cool-down off.</summary>
    public double CooldownHours { get; set; } = 24;

    public EnrichmentOptions Checked() =>
        double.IsFinite(CooldownHours) && CooldownHours >= 0
            ? this
            : throw new InvalidOperationException($"{SectionName}:CooldownHours must be 0 or more hours.");
}
