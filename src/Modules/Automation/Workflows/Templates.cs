using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpsDash.Modules.Automation.Workflows;

/// <summary>
/// <c>{{field}}</c> in an action's text config stands for that field of the event (e.g. a task title of
/// <c>Onboard {{title}}</c>); the names are checked against the trigger type when the workflow is saved.
/// </summary>
internal static partial class Templates
{
    public static IEnumerable<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Groups[1].Value);

    /// <summary>Each placeholder replaced by the field's value as text; a field the event lacks becomes empty.</summary>
    public static string Fill(string text, IReadOnlyDictionary<string, JsonElement> fields) =>
        Placeholder().Replace(text, m => fields.TryGetValue(m.Groups[1].Value, out var value) ? AsText(value) : string.Empty);

    public static string AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetDecimal().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(AsText)),
        _ => string.Empty,
    };

    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
