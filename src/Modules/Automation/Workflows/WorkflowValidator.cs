using System.Text.Json;
using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Automation.Workflows;

/// <summary>
/// A workflow checked against its trigger type's event contract and each action's config when it is
/// saved (TriggerCatalog): unknown fields, operators that do not fit the field's type, values of the
/// wrong type, missing or unknown config keys are 400s naming the place, e.g. <c>conditions.rules[1].field</c>.
/// </summary>
internal sealed class WorkflowValidator : AbstractValidator<WorkflowRequest>
{
    public WorkflowValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Must(n => n is null || n.Trim().Length is >= 1 and <= 200).WithMessage("Name must be 1 to 200 characters.");
        RuleFor(r => r.TriggerType).NotEmpty().Must(t => t is null || TriggerCatalog.Triggers.ContainsKey(t))
            .WithMessage($"triggerType must be one of {string.Join(", ", TriggerCatalog.Triggers.Keys)}.");
        RuleFor(r => r.Conditions!.Match).Must(m => m is null or "all" or "any").WithMessage("match must be all or any.")
            .OverridePropertyName("conditions.match").When(r => r.Conditions is not null);
        RuleFor(r => r.Actions).NotEmpty().WithMessage("A workflow needs at least one action.")
            .Must(a => a is null || a.Count <= WorkflowStore.MaxActions).WithMessage($"At most {WorkflowStore.MaxActions} actions.");
        RuleFor(r => r).Custom((r, context) =>
        {
            if (r.TriggerType is null || !TriggerCatalog.Triggers.TryGetValue(r.TriggerType, out var fields))
            {
                return;
            }

            var rules = r.Conditions?.Rules ?? [];
            if (rules.Count > WorkflowStore.MaxRules)
            {
                context.AddFailure("conditions.rules", $"At most {WorkflowStore.MaxRules} rules.");
            }

            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                var at = $"conditions.rules[{i}]";
                var open = TriggerCatalog.HasOpenFields(r.TriggerType);
                if (open && rule?.Field is { Length: >= 1 and <= 100 } name && !name.Contains('\0', StringComparison.Ordinal))
                {
                    fields = new Dictionary<string, FieldType>(fields) { [name] = TriggerCatalog.OpenFieldType(rule.Value) };
                }

                if (rule?.Field is null || !fields.TryGetValue(rule.Field, out var type))
                {
                    if (open)
                    {
                        context.AddFailure($"{at}.field", "field names a top-level field of the event, 1 to 100 characters.");
                        continue;
                    }

                    context.AddFailure($"{at}.field", $"{r.TriggerType} events have the fields {string.Join(", ", fields.Keys)}.");
                    continue;
                }

                if (!TriggerCatalog.Operators[type].Contains(rule.Operator))
                {
                    context.AddFailure($"{at}.operator", $"{rule.Field} takes the operators {string.Join(", ", TriggerCatalog.Operators[type])}.");
                }

                if (!Fits(rule.Value, type))
                {
                    context.AddFailure($"{at}.value", $"{rule.Field} is compared with a {Describe(type)}.");
                }
            }

            var actions = r.Actions ?? [];
            for (var i = 0; i < actions.Count; i++)
            {
                var action = actions[i];
                if (action?.Type is null || !TriggerCatalog.Actions.TryGetValue(action.Type, out var keys))
                {
                    context.AddFailure($"actions[{i}].type", $"type must be one of {string.Join(", ", TriggerCatalog.Actions.Keys)}.");
                    continue;
                }

                var config = action.Config ?? new Dictionary<string, JsonElement>();
                foreach (var (key, type) in keys)
                {
                    if (!config.TryGetValue(key, out var value) || !Fits(value, type))
                    {
                        context.AddFailure($"actions[{i}].config.{key}", $"{action.Type} needs {key}, a {Describe(type)}.");
                    }
                }

                foreach (var key in config.Keys.Where(k => !keys.ContainsKey(k)))
                {
                    context.AddFailure($"actions[{i}].config", $"{action.Type} takes no {key[..Math.Min(key.Length, 50)]}.");
                }

                foreach (var (key, message) in ActionProblems(action.Type, config, r.TriggerType, fields))
                {
                    context.AddFailure($"actions[{i}].{key}", message);
                }
            }
        });
    }

    // What an action's config must also be, beyond its keys' types: what its trigger's subject allows,
    // placeholders naming the event's fields, values the owning module would refuse later.
    private static IEnumerable<(string Key, string Message)> ActionProblems(
        string type, IReadOnlyDictionary<string, JsonElement> config, string triggerType, IReadOnlyDictionary<string, FieldType> fields)
    {
        var subject = TriggerCatalog.Subjects[triggerType];
        foreach (var (key, value) in config)
        {
            if (value.ValueKind == JsonValueKind.String && !TriggerCatalog.HasOpenFields(triggerType)
                && Templates.Placeholders(value.GetString()!).FirstOrDefault(p => !fields.ContainsKey(p)) is { } unknown)
            {
                yield return ($"config.{key}", $"{{{{{unknown[..Math.Min(unknown.Length, 50)]}}}}} is not a field of {triggerType} events ({string.Join(", ", fields.Keys)}).");
            }
        }

        string? Text(string key) => config.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        switch (type)
        {
            case "add_tag" or "log_activity" or "update_field" when subject == Subject.Webhook:
                yield return ("type", $"{type} acts on the record an event is about; {triggerType} events are about none.");
                break;
            case "add_tag" or "log_activity" when subject == Subject.Task:
                yield return ("type", $"{type} acts on a contact or a deal; {triggerType} events are about a task.");
                break;
            case "add_tag" when Text("tag") is { Length: > 50 }:
                yield return ("config.tag", "A tag is 1 to 50 characters.");
                break;
            case "log_activity" when Text("kind") is { } kind && !CrmFields.ActivityKinds.Contains(kind):
                yield return ("config.kind", $"kind must be one of {string.Join(", ", CrmFields.ActivityKinds)}.");
                break;
            case "update_field" when Text("field") is { } field && !TriggerCatalog.UpdatableFields(subject).Contains(field):
                yield return ("config.field", $"{triggerType} events are about a {subject}, whose fields update_field sets are {string.Join(", ", TriggerCatalog.UpdatableFields(subject))}.");
                break;
            case "delay" when config.TryGetValue("minutes", out var m) && m.ValueKind == JsonValueKind.Number
                              && !(m.TryGetInt32(out var minutes) && minutes is >= 1 and <= TriggerCatalog.MaxDelayMinutes):
                yield return ("config.minutes", $"minutes is a whole number from 1 to {TriggerCatalog.MaxDelayMinutes} (30 days).");
                break;
            case "send_webhook" when Text("url") is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"):
                yield return ("config.url", "url is an absolute http(s) URL.");
                break;
        }
    }

    internal static bool Fits(JsonElement value, FieldType type) => type switch
    {
        FieldType.Number => value.ValueKind == JsonValueKind.Number,
        FieldType.Flag => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        FieldType.Id => value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out _),
        _ => value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 1 and <= 500 } s && !s.Contains('\0', StringComparison.Ordinal),
    };

    internal static string Describe(FieldType type) => type switch
    {
        FieldType.Number => "number",
        FieldType.Flag => "true or false",
        FieldType.Id => "id",
        _ => "text of 1 to 500 characters",
    };
}
