using System.Text.Json.Nodes;

namespace CursorAspire.Proxy.Wire.Json;

/// <summary>
/// Writing an <see cref="object"/> value that is usually already JSON (a tool call's arguments, an option's extra
/// property) without going through the serializer: the forms the proxy itself parses values into are written as they
/// are, and only anything else is left to the caller's fallback. The bytes are the serializer's for these forms.
/// </summary>
internal static class JsonValueWriting
{
    /// <summary>
    /// Writes <paramref name="value"/> when it is <c>null</c>, a <see cref="string"/>, a <see cref="JsonElement"/>, a
    /// <see cref="JsonNode"/> or a <see cref="bool"/>; returns <c>false</c>, having written nothing, for anything else.
    /// </summary>
    public static bool TryWriteKnown(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return true;
            case string text:
                writer.WriteStringValue(text);
                return true;
            case JsonElement element:
                element.WriteTo(writer);
                return true;
            case JsonNode node:
                node.WriteTo(writer);
                return true;
            case bool flag:
                writer.WriteBooleanValue(flag);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="members"/> (a tool call's arguments) as a JSON object, as the serializer writes the
    /// dictionary: each value by <see cref="TryWriteKnown"/>, anything else by its runtime type with
    /// <paramref name="options"/>. The proxy's own dictionaries (<c>Wire/ToolArguments</c>) are enumerated without boxing
    /// their enumerator, which the serializer and an <see cref="IDictionary{TKey, TValue}"/> loop do per call.
    /// </summary>
    public static void WriteObject(Utf8JsonWriter writer, IDictionary<string, object?> members, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (members is Dictionary<string, object?> dictionary)
        {
            foreach (var (name, value) in dictionary)
            {
                WriteMember(writer, name, value, options);
            }
        }
        else
        {
            foreach (var (name, value) in members)
            {
                WriteMember(writer, name, value, options);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteMember(Utf8JsonWriter writer, string name, object? value, JsonSerializerOptions options)
    {
        writer.WritePropertyName(name);
        if (!TryWriteKnown(writer, value))
        {
            JsonSerializer.Serialize(writer, value, value!.GetType(), options);
        }
    }
}
