using System.Text.Json;

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
                if (rule?.Field is null || !fields.TryGetValue(rule.Field, out var type))
                {
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
            }
        });
    }

    private static bool Fits(JsonElement value, FieldType type) => type switch
    {
        FieldType.Number => value.ValueKind == JsonValueKind.Number,
        FieldType.Flag => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        FieldType.Id => value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out _),
        _ => value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 1 and <= 500 } s && !s.Contains('\0', StringComparison.Ordinal),
    };

    private static string Describe(FieldType type) => type switch
    {
        FieldType.Number => "number",
        FieldType.Flag => "true or false",
        FieldType.Id => "id",
        _ => "text of 1 to 500 characters",
    };
}
