namespace OpsDash.SharedKernel.Http;

/// <summary>
/// A <see cref="System.Text.Json.JsonElement"/> that holds any JSON value (a condition's comparand),
/// where free-form JSON is otherwise an object: the OpenAPI document describes it as any value.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AnyJsonValueAttribute : Attribute;
