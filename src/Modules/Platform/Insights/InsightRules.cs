namespace OpsDash.Modules.Platform.Insights;

/// <summary>The rule ids an insight names (stable: clients key on them).</summary>
internal static class InsightRules
{
    public const string DealAtRisk = "deal_at_risk";
    public const string DealStalled = "deal_stalled";
    public const string TaskOverdue = "task_overdue";
    public const string TaskDueSoon = "task_due_soon";
    public const string LeadFirstResponse = "lead_first_response_sla";
    public const string TaskResolution = "task_resolution_sla";
}

/// <summary>How urgent an insight is: <c>high</c>, <c>medium</c> or <c>low</c>.</summary>
internal static class Severity
{
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    /// <summary>For an age rule: high once the worst record is at least twice the threshold, else medium.</summary>
    public static string OfAge(int worst, int threshold) => worst >= 2 * threshold ? High : Medium;
}
