using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace OpsDash.SharedKernel.Http;

/// <summary>
/// PostgreSQL cannot store U+0000 in text, so a NUL in any input would fail deep in a query as a
/// 500. Every JSON string is read through <see cref="NulRejectingStringConverter"/> and every query
/// string value is checked by <see cref="NulRejectingQueryMiddleware"/>: once, for every endpoint.
/// </summary>
public sealed class NulCharacterException() : JsonException("Text must not contain the NUL character (U+0000).");

public sealed class NulRejectingStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value is not null && value.Contains('\0', StringComparison.Ordinal) ? throw new NulCharacterException() : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

public sealed class NulRejectingQueryMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        foreach (var (key, values) in context.Request.Query)
        {
            if (key.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            {
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { [key.Replace("\0", string.Empty, StringComparison.Ordinal)] = [new NulCharacterException().Message] },
                    title: "Validation failed",
                    extensions: new Dictionary<string, object?> { ["error"] = Errors.ErrorCodes.ValidationError }).ExecuteAsync(context);
            }
        }

        return next(context);
    }
}
