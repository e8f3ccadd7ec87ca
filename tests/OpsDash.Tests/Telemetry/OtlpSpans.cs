namespace OpsDash.Tests.Telemetry;

/// <summary>A span as an OTLP export request carries it: its scope (instrumentation) and every attribute as text.</summary>
public sealed record OtlpSpan(string Scope, string Name, int Kind, string TraceId, string SpanId, string ParentSpanId, IReadOnlyDictionary<string, string> Attributes)
{
    public const int Server = 2;
    public const int Client = 3;
}

/// <summary>
/// Reads <c>ExportTraceServiceRequest</c> (opentelemetry-proto trace/v1) from protobuf's wire format, the few
/// fields the tests look at: resource_spans(1) → scope_spans(2) → scope(1).name(1) and spans(2) → trace_id(1),
/// span_id(2), parent_span_id(4), name(5), kind(6), attributes(9) as KeyValue key(1) / AnyValue value(2).
/// </summary>
public static class OtlpSpans
{
    public static IEnumerable<OtlpSpan> Decode(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
            {
                var fields = Fields(scopeSpans.Bytes).ToList();
                var scope = fields.Where(f => f.Number == 1).Select(f => Text(f.Bytes, 1)).FirstOrDefault() ?? "";
                foreach (var span in fields.Where(f => f.Number == 2))
                {
                    yield return Span(scope, span.Bytes);
                }
            }
        }
    }

    private static OtlpSpan Span(string scope, byte[] span)
    {
        var fields = Fields(span).ToList();
        byte[] Bytes(int number) => fields.FirstOrDefault(f => f.Number == number).Bytes ?? [];
        var attributes = new Dictionary<string, string>();
        foreach (var keyValue in fields.Where(f => f.Number == 9))
        {
            var parts = Fields(keyValue.Bytes).ToList();
            var key = System.Text.Encoding.UTF8.GetString(parts.First(p => p.Number == 1).Bytes!);
            attributes[key] = AnyValue(parts.FirstOrDefault(p => p.Number == 2).Bytes ?? []);
        }

        return new OtlpSpan(scope, System.Text.Encoding.UTF8.GetString(Bytes(5)), (int)fields.FirstOrDefault(f => f.Number == 6).Varint,
            Convert.ToHexString(Bytes(1)), Convert.ToHexString(Bytes(2)), Convert.ToHexString(Bytes(4)), attributes);
    }

    // string_value(1), bool_value(2), int_value(3); anything else as its raw bytes in hex.
    private static string AnyValue(byte[] value)
    {
        var field = Fields(value).FirstOrDefault();
        return field.Number switch
        {
            1 => System.Text.Encoding.UTF8.GetString(field.Bytes),
            2 => (field.Varint != 0).ToString(),
            3 => ((long)field.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToHexString(field.Bytes ?? []),
        };
    }

    private static string? Text(byte[] message, int number) =>
        Fields(message).Where(f => f.Number == number).Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)).FirstOrDefault();

    private readonly record struct Field(int Number, ulong Varint, byte[] Bytes);

    private static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, ReadVarint(message, ref position), []);
                    break;
                case 1:
                    yield return new Field(number, BitConverter.ToUInt64(message, position), message[position..(position + 8)]);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, 0, message[position..(position + length)]);
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, BitConverter.ToUInt32(message, position), message[position..(position + 4)]);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {tag & 7} is not in OTLP");
            }
        }
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
