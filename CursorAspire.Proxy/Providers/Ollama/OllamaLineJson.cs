namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Reading the values of a line of Ollama's answer with a <see cref="Utf8JsonReader"/>: a value of the wrong kind is a
/// <see cref="JsonException"/>, as the serializer OllamaSharp used made it.
/// </summary>
internal static class OllamaLineJson
{
    public static string? ReadString(ref Utf8JsonReader reader) => NextIsString(ref reader, "a text field") ? reader.GetString() : null;

    /// <summary>Moves to the next value: true on a string, false on <c>null</c>, anything else a <see cref="JsonException"/> naming <paramref name="field"/>.</summary>
    public static bool NextIsString(ref Utf8JsonReader reader, string field) => Next(ref reader) switch
    {
        JsonTokenType.Null => false,
        JsonTokenType.String => true,
        _ => throw Unexpected(field),
    };

    /// <summary>Moves onto an object: true on its start, false on <c>null</c> (none), anything else a <see cref="JsonException"/> naming <paramref name="field"/>.</summary>
    public static bool NextIsObject(ref Utf8JsonReader reader, string field) => NextIs(ref reader, JsonTokenType.StartObject, field);

    /// <summary>Moves onto an array: true on its start, false on <c>null</c> (none), anything else a <see cref="JsonException"/> naming <paramref name="field"/>.</summary>
    public static bool NextIsArray(ref Utf8JsonReader reader, string field) => NextIs(ref reader, JsonTokenType.StartArray, field);

    private static bool NextIs(ref Utf8JsonReader reader, JsonTokenType start, string field)
    {
        var token = Next(ref reader);
        if (token != start && token != JsonTokenType.Null)
        {
            throw Unexpected(field);
        }
        return token == start;
    }

    public static long ReadInt64(ref Utf8JsonReader reader) =>
        Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : throw Unexpected("a duration");

    public static int ReadInt32(ref Utf8JsonReader reader) =>
        Next(ref reader) == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw Unexpected("a count");

    public static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("Ollama's answer line ended inside its JSON.");

    public static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (Next(ref reader) != expected)
        {
            throw new JsonException($"Ollama's answer line is not a JSON object (it starts with {reader.TokenType}).");
        }
    }

    public static void Skip(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        reader.Skip();
    }

    public static JsonException Unexpected(string? field) => new($"Ollama's answer has an unexpected value for '{field}'.");
}
