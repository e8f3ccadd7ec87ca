using System.Text.Json;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Automation.Workflows;

/// <summary>One rule as it was evaluated: the event's value (null when the event lacks the field) and whether the rule held.</summary>
public sealed record RuleResult(string Field, string Operator, [property: AnyJsonValue] JsonElement Value, [property: AnyJsonValue] JsonElement Actual, bool Passed);

/// <summary>
/// Evaluates a trigger's conditions against an event's fields. Text compares ignoring case; a field the
/// event does not carry (null) satisfies only <c>not_equals</c> and <c>not_contains</c>.
/// </summary>
internal static class ConditionCheck
{
    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement;

    public static (bool Matched, IReadOnlyList<RuleResult> Rules) Evaluate(
        string triggerType, Conditions conditions, IReadOnlyDictionary<string, JsonElement> fields)
    {
        var types = TriggerCatalog.Triggers[triggerType];
        var open = TriggerCatalog.HasOpenFields(triggerType);
        var results = (conditions.Rules ?? []).Select(rule =>
        {
            JsonElement? actual = fields.TryGetValue(rule.Field, out var a) && a.ValueKind != JsonValueKind.Null ? a : null;
            bool passed;
            if (open)
            {
                // A sender's field may hold any JSON: one of another type than the rule's value does not equal it.
                var openType = TriggerCatalog.OpenFieldType(rule.Value);
                passed = actual is { } v && TriggerCatalog.OpenFieldType(v) != openType || actual is { ValueKind: JsonValueKind.Object or JsonValueKind.Array }
                    ? rule.Operator == "not_equals"
                    : Holds(openType, rule.Operator, rule.Value, actual);
            }
            else
            {
                passed = types.TryGetValue(rule.Field, out var type) && Holds(type, rule.Operator, rule.Value, actual);
            }

            return new RuleResult(rule.Field, rule.Operator, rule.Value, actual ?? Null, passed);
        }).ToList();
        var matched = results.Count == 0 || (conditions.Match == "any" ? results.Exists(r => r.Passed) : results.TrueForAll(r => r.Passed));
        return (matched, results);
    }

    private static bool Holds(FieldType type, string op, JsonElement expected, JsonElement? actual)
    {
        if (actual is not { } value)
        {
            return op is "not_equals" or "not_contains";
        }

        return type switch
        {
            FieldType.Number => Compare(op, value.GetDecimal().CompareTo(expected.GetDecimal())),
            FieldType.Flag => op == "equals" && value.GetBoolean() == expected.GetBoolean(),
            FieldType.Id => Equality(op, Guid.TryParse(value.GetString(), out var id) && id == Guid.Parse(expected.GetString()!)),
            FieldType.List => op switch
            {
                "contains" => value.EnumerateArray().Any(v => Same(v.GetString(), expected.GetString())),
                "not_contains" => !value.EnumerateArray().Any(v => Same(v.GetString(), expected.GetString())),
                _ => false,
            },
            _ => Text(op, value.GetString() ?? string.Empty, expected.GetString() ?? string.Empty),
        };
    }

    private static bool Text(string op, string actual, string expected) => op switch
    {
        "contains" => actual.Contains(expected, StringComparison.OrdinalIgnoreCase),
        "starts_with" => actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase),
        _ => Equality(op, Same(actual, expected)),
    };

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool Equality(string op, bool equal) => op == "not_equals" ? !equal : op == "equals" && equal;

    private static bool Compare(string op, int order) => op switch
    {
        "equals" => order == 0,
        "not_equals" => order != 0,
        "gt" => order > 0,
        "gte" => order >= 0,
        "lt" => order < 0,
        "lte" => order <= 0,
        _ => false,
    };
}
