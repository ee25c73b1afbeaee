namespace CursorAspire.TestUpstreams;

/// <summary>Lenient reads of request fields: a field of the wrong JSON type reads as absent instead of throwing.</summary>
internal static class JsonFields
{
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static bool IsTrue(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    public static long? Integer(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number
        : node is JsonValue d && d.TryGetValue<double>(out var real) && real == Math.Floor(real) ? (long)real
        : null;

    public static double? Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
}
