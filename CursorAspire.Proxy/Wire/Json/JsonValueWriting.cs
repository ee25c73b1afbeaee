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
}
